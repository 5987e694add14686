package demo

import (
	"context"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/store"
)

// Budget writes the sample organisation's 2026 IT service budget: direct
// lines per service in every category, two shared pools allocated by users
// and by CI count, and actuals for January to October with a few
// overspends. It expects the CMDB written by Organisation.
func Budget(ctx context.Context, cm *cmdb.Store, bs *budget.Store) error {
	ctx = store.WithSource(ctx, "demo")
	fy, err := bs.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2026, StartMonth: 1, Currency: "CNY"})
	if err != nil {
		return err
	}
	yuan := func(v int64) budget.Money { return budget.Money(v * 100) }
	type spec struct {
		service, pool string
		cat           budget.Category
		capex         bool
		gl, what      string
		annual        int64
		overspend     int64 // per month from July, in yuan
	}
	lines := []spec{
		{"网上银行 Internet banking", "", budget.Licences, false, "0660201", "网银软件维保 Banking software support", 1_200_000, 0},
		{"网上银行 Internet banking", "", budget.People, false, "0660101", "开发运维人员 Dev and ops staff", 3_600_000, 40_000},
		{"网上银行 Internet banking", "", budget.Assets, true, "0160101", "网银服务器更新 Server refresh", 900_000, 0},
		{"手机银行 Mobile banking", "", budget.External, false, "0660401", "短信通道 SMS gateway", 480_000, 15_000},
		{"手机银行 Mobile banking", "", budget.People, false, "0660101", "移动开发团队 Mobile team", 2_400_000, 0},
		{"银行卡支付 Card payments", "", budget.External, false, "0660402", "银联通道费 UnionPay fees", 1_800_000, 0},
		{"柜面业务 Branch counter service", "", budget.Assets, true, "0160102", "柜面终端 Teller terminals", 1_500_000, 0},
		{"信贷审批 Loan approval", "", budget.Licences, false, "0660202", "信贷系统许可 Loan system licences", 600_000, 0},
		{"薪资发放 Payroll", "", budget.Licences, false, "0660203", "人力资源系统许可 HR licences", 240_000, 0},
		{"", "数据中心 Data centre", budget.Facilities, false, "0660301", "机房租金与电费 Rent and power", 4_800_000, 30_000},
		{"", "共享平台 Shared platform", budget.Resources, false, "0660501", "虚拟化与存储 Virtualisation and storage", 2_400_000, 0},
	}
	for _, l := range lines {
		amounts, err := budget.Phase(yuan(l.annual), nil)
		if err != nil {
			return err
		}
		if _, err := bs.AddLine(ctx, fy, budget.Line{ServiceRef: l.service, Pool: l.pool, Category: l.cat, Capex: l.capex,
			GLAccount: l.gl, Description: l.what, Amounts: amounts}); err != nil {
			return err
		}
		who := l.service
		if who == "" {
			who = l.pool
		}
		// Actuals January to October: on budget, a little under, and the
		// overspends from July.
		for m := 0; m < 10; m++ {
			a := amounts[m] - amounts[m]/50
			if m >= 6 {
				a += yuan(l.overspend)
			}
			if err := bs.AddActual(ctx, fy, who, l.cat, m+1, a); err != nil {
				return err
			}
		}
	}
	users := map[string]float64{"网上银行 Internet banking": 1_200_000, "手机银行 Mobile banking": 2_500_000,
		"银行卡支付 Card payments": 800_000, "柜面业务 Branch counter service": 6_000}
	if _, err := bs.SetRule(ctx, fy, budget.Rule{Pool: "数据中心 Data centre", Method: "driver", Driver: "users", Shares: users}); err != nil {
		return err
	}
	if _, err := bs.SetRule(ctx, fy, budget.Rule{Pool: "共享平台 Shared platform", Method: "percent", Shares: map[string]float64{
		"网上银行 Internet banking": 40, "手机银行 Mobile banking": 30, "信贷审批 Loan approval": 20, "薪资发放 Payroll": 10}}); err != nil {
		return err
	}
	return nil
}
