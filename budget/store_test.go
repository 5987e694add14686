package budget_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/internal/pgtest"
	"servicebook/store"
)

var cmdbOf = map[*budget.Store]*cmdb.Store{}

func mustSearch(t testing.TB, s *budget.Store, text string) []string {
	found, err := cmdbOf[s].Search(context.Background(), text, 5)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, c := range found {
		refs = append(refs, c.Ref)
	}
	return refs
}

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func demoBudget(t testing.TB) (*budget.Store, budget.FiscalYear) {
	t.Helper()
	return demoBudgetOn(t, store.MustOpen(t))
}

// demoBudgetOn is demoBudget on db: a file or a server's database
// (store.EachBackend).
func demoBudgetOn(t testing.TB, db *store.DB) (*budget.Store, budget.FiscalYear) {
	t.Helper()
	ctx := context.Background()
	cm, _ := cmdb.NewStore(ctx, db)
	if err := demo.Organisation(ctx, cm); err != nil {
		t.Fatal(err)
	}
	s := budget.NewStore(db, cm)
	cmdbOf[s] = cm
	fy, err := s.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	return s, fy
}

// financeWorkbook is last year's budget as a finance team keeps it: a
// merged title, a note row, Chinese headers, ¥ amounts as text and numbers,
// a GL account with a leading zero, a subtotal and a total row.
func financeWorkbook(t *testing.T, dir string) string {
	f := excelize.NewFile()
	sh := "2026年预算"
	f.SetSheetName("Sheet1", sh)
	rows := [][]any{
		{"XX银行信息科技部 2026 年度 IT 服务预算"},
		{"单位：元"},
		{},
		{"服务", "费用池", "类别", "支出类型", "会计科目", "项目", "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "合计"},
		{"网上银行", "", "许可证", "运营", "0660201", "网银软件维保", "¥10,000.00", "¥10,000.00", 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 120000},
		{"网上银行", "", "人员", "运营", "0660101", "开发运维人员", "(500.00)", 80000, 80000, 80000, 80000, 80000, 80000, 80000, 80000, 80000, 80000, 80000, ""},
		{"小计", "", "", "", "", "", 9500, 90000, 90000, 90000, 90000, 90000, 90000, 90000, 90000, 90000, 90000, 90000, ""},
		{"", "数据中心", "设施", "运营", "0660301", "机房电费与租金", "¥ 200,000", "200,000", "200,000", "200,000", "200,000", "200,000", "200,000", "200,000", "200,000", "200,000", "200,000", "200,000", ""},
		{"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"合计", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
	}
	f.MergeCell(sh, "A1", "S1")
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		f.SetSheetRow(sh, cell, &row)
	}
	path := filepath.Join(dir, "2026年预算.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportFinanceWorkbook(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		path := financeWorkbook(t, t.TempDir())
		dry, err := s.Import(ctx, fy, path, budget.ImportOptions{DryRun: true})
		if err != nil {
			t.Fatalf("%v %v", err, dry.Problems)
		}
		if dry.Created != 3 || dry.TotalRows != 2 || dry.Layout != "wide" {
			t.Errorf("dry run: %+v", dry)
		}
		if lines, _ := s.Lines(ctx, fy); len(lines) != 0 {
			t.Fatal("the dry run wrote")
		}
		if _, err := s.Import(ctx, fy, path, budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		lines, _ := s.Lines(ctx, fy)
		if len(lines) != 3 {
			t.Fatalf("%d lines", len(lines))
		}
		lic, people, dc := lines[0], lines[1], lines[2]
		if lic.Total() != 120_000_00 || lic.Category != budget.Licences || lic.GLAccount != "0660201" || lic.ServiceName != "网上银行 Internet banking" {
			t.Errorf("licence line: %+v", lic)
		}
		if people.Amounts[0] != -500_00 || people.Total() != (80_000*11-500)*100 {
			t.Errorf("people line: %v total %s", people.Amounts, people.Total().Format(2))
		}
		if dc.Pool != "数据中心" || dc.Category != budget.Facilities || dc.Total() != 2_400_000_00 {
			t.Errorf("data-centre pool: %+v", dc)
		}
		// The same file again replaces, never doubles.
		again, err := s.Import(ctx, fy, path, budget.ImportOptions{})
		if err != nil || again.Created != 0 || again.Unchanged != 3 || again.FileTotal != again.ImportedTotal {
			t.Errorf("re-import: %+v %v", again, err)
		}
		if lines, _ := s.Lines(ctx, fy); len(lines) != 3 || lines[0].Total() != 120_000_00 {
			t.Errorf("after re-import: %d lines, first total %v", len(lines), lines[0].Total())
		}
	})
}

func TestImportLongLayoutGBKCSV(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, _ := demoBudgetOn(t, db)
		ctx := context.Background()
		// A fiscal year from April: April is fiscal month 1.
		fy, err := s.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2027, StartMonth: 4})
		if err != nil {
			t.Fatal(err)
		}
		text := "服务,类别,项目,月份,金额\r\n手机银行,外部服务,短信费,2027-04,\"￥1,234.00\"\r\n手机银行,外部服务,短信费,5月,\"1,000\"\r\n"
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "短信.csv")
		os.WriteFile(path, []byte(gbk), 0o600)
		res, err := s.Import(ctx, fy, path, budget.ImportOptions{})
		if err != nil || res.Layout != "long" || res.Created != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		lines, _ := s.Lines(ctx, fy)
		if len(lines) != 1 || lines[0].Amounts[0] != 1234_00 || lines[0].Amounts[1] != 1000_00 || lines[0].Category != budget.External {
			t.Errorf("line: %+v", lines)
		}
	})
}

func TestImportRefusesBadCellsAndWritesNothing(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		dir := t.TempDir()
		csv := func(name, text string) string {
			p := filepath.Join(dir, name)
			os.WriteFile(p, []byte(text), 0o600)
			return p
		}
		path := csv("bad.csv", "Service,Category,Description,Jan,Feb\n"+
			"网上银行,licences,ok,100,100\n"+
			"网上银行,licences,bad amount,\"12,3.4\",100\n"+
			"Ghost,people,nobody,1,1\n"+
			"网上银行,snacks,biscuits,1,1\n"+
			"bj-db-01,assets,a server is not a service,1,1\n")
		res, err := s.Import(ctx, fy, path, budget.ImportOptions{})
		if store.ErrorCode(err) != store.EInvalid {
			t.Fatalf("err = %v", err)
		}
		var got []string
		for _, p := range res.Problems {
			got = append(got, p.Error())
		}
		all := strings.Join(got, "\n")
		for _, want := range []string{
			`bad.csv: row 3, column "Jan": "12,3.4" is not an amount`,
			`bad.csv: row 4, column "Service": no service is named "Ghost"`,
			`bad.csv: row 5, column "Category": "snacks" is not a cost category`,
			`bad.csv: row 6, column "Service": no service is named "bj-db-01"`,
		} {
			if !strings.Contains(all, want) {
				t.Errorf("problems lack %q:\n%s", want, all)
			}
		}
		if lines, _ := s.Lines(ctx, fy); len(lines) != 0 {
			t.Error("a refused import wrote lines")
		}
		if _, err := s.Import(ctx, fy, csv("nohead.csv", "a,b\n1,2\n"), budget.ImportOptions{}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("no header: %v", err)
		}
		if _, err := s.Import(ctx, fy, csv("nomonths.csv", "Service,Category,Description\n网上银行,licences,x\n"), budget.ImportOptions{}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("no month columns: %v", err)
		}
		if _, err := s.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2026}); store.ErrorCode(err) != store.EConflict {
			t.Errorf("duplicate fiscal year: %v", err)
		}
		if _, err := s.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2030, StartMonth: 13}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("bad start month: %v", err)
		}
	})
}

func TestPhase(t *testing.T) {
	even, _ := budget.Phase(100_000_00, nil)
	var sum budget.Money
	for _, m := range even {
		sum += m
	}
	if sum != 100_000_00 || even[0] != 8_333_34 || even[11] != 8_333_33 {
		t.Errorf("even phasing %v", even)
	}
	profile := []int64{5, 5, 5, 5, 10, 10, 10, 10, 10, 10, 10, 10}
	p, err := budget.Phase(1_000_00, profile)
	if err != nil || p[0] != 50_00 || p[4] != 100_00 {
		t.Errorf("profile phasing %v %v", p, err)
	}
	if _, err := budget.Phase(100, []int64{1, 2}); err == nil {
		t.Error("a short profile accepted")
	}
}

func TestAllocateActualsAndReport(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		dir := t.TempDir()
		if _, err := s.Import(ctx, fy, financeWorkbook(t, dir), budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		// No rule for the data-centre pool yet.
		if _, err := s.Allocate(ctx, fy); store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "数据中心") {
			t.Fatalf("allocation without a rule: %v", err)
		}
		if _, err := s.SetRule(ctx, fy, budget.Rule{Pool: "数据中心", Method: "percent", Shares: map[string]float64{"网上银行": 60, "手机银行": 30}}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("percentages adding to 90: %v", err)
		}
		if _, err := s.SetRule(ctx, fy, budget.Rule{Pool: "数据中心", Method: "driver", Driver: "users",
			Shares: map[string]float64{"网上银行": 2, "手机银行": 1}}); err != nil {
			t.Fatal(err)
		}
		if recent, _ := cmdbOf[s].DB().RecentChanges(ctx, 1); len(recent) != 1 || recent[0].Field != "数据中心" || recent[0].New != "driver users" {
			t.Errorf("the rule is not in the change log: %+v", recent)
		}
		allocs, err := s.Allocate(ctx, fy)
		if err != nil {
			t.Fatal(err)
		}
		// 200,000.00 a month shared 2:1 → 133,333.33 and 66,666.67, to the cent.
		var jan []budget.Allocation
		for _, a := range allocs {
			if a.Month == 1 {
				jan = append(jan, a)
			}
		}
		if len(jan) != 2 || jan[0].Amount+jan[1].Amount != 200_000_00 || jan[0].Rule != "driver: users" || jan[0].Pool != "数据中心" {
			t.Fatalf("January allocation: %+v", jan)
		}
		actualsCSV := filepath.Join(dir, "实际.csv")
		os.WriteFile(actualsCSV, []byte("服务,类别,1月,2月\n网上银行,许可证,\"12,000\",\"10,000\"\n网上银行,人员,\"79,000\",\"81,000\"\n"), 0o600)
		res, err := s.ImportActuals(ctx, fy, actualsCSV, budget.ImportOptions{})
		if err != nil || res.Created != 2 {
			t.Fatalf("actuals: %+v %v", res, err)
		}
		if again, _ := s.ImportActuals(ctx, fy, actualsCSV, budget.ImportOptions{}); again.Created != 0 || again.Updated != 2 {
			t.Errorf("actuals re-import: %+v", again)
		}
		report, err := s.Report(ctx, fy, "")
		if err != nil {
			t.Fatal(err)
		}
		var banking budget.ServiceYear
		for _, y := range report {
			if strings.Contains(y.ServiceName, "Internet banking") {
				banking = y
			}
		}
		jm := banking.Months[0]
		// January: budget 10,000 − 500 = 9,500; allocated 133,333.33 (2/3 of
		// 200,000; the odd cent goes to the larger remainder, mobile's .67);
		// actual 91,000.
		if jm.Budget != 9_500_00 || jm.Allocated != 133_333_33 || jm.Actual != 91_000_00 || banking.Closed != 2 {
			t.Errorf("January: %+v, closed %d", jm, banking.Closed)
		}
		if banking.Outturn() != banking.YTD().Actual+banking.Plan()-banking.Months[0].Planned()-banking.Months[1].Planned() {
			t.Errorf("outturn %s", banking.Outturn().Format(2))
		}
		if _, err := s.Report(ctx, fy, "CI-000001"); store.ErrorCode(err) != store.ENotFound {
			t.Errorf("report for a service without a budget: %v", err)
		}
	})
}

func TestApprovalAndRevision(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		var twelve [12]budget.Money
		for i := range twelve {
			twelve[i] = 1000_00
		}
		l, err := s.AddLine(ctx, fy, budget.Line{ServiceRef: "网上银行", Category: budget.Licences, Description: "维保", Amounts: twelve})
		if err != nil {
			t.Fatal(err)
		}
		twelve[0] = 2000_00
		if err := s.SetAmounts(ctx, l.ID, twelve); err != nil {
			t.Fatal(err)
		}
		if err := s.ApproveLine(ctx, l.ID, ""); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("approval without approver: %v", err)
		}
		if err := s.ApproveLine(ctx, l.ID, "财务部 张总"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAmounts(ctx, l.ID, twelve); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("an approved line changed: %v", err)
		}
		rev, err := s.Revise(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		twelve[1] = 5000_00
		if err := s.SetAmounts(ctx, rev, twelve); err != nil {
			t.Fatal(err)
		}
		years, err := s.Report(ctx, fy, "网上银行")
		if err != nil {
			t.Fatal(err)
		}
		// The revision replaces the original in the report: 2,000 + 5,000 + 10 × 1,000.
		if got := years[0].Plan(); got != 17_000_00 {
			t.Errorf("plan after revision %s, want 17,000.00", got.Format(2))
		}
		if _, err := s.Revise(ctx, rev); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("revising an unapproved line: %v", err)
		}
		// The auditor's trail: the approval and the revision are in the change log.
		db = cmdbOf[s].DB()
		approvals, _ := db.Changes(ctx, "budget_line", l.ID)
		revisions, _ := db.Changes(ctx, "budget_line", rev)
		if !hasChange(approvals, "status", "approved by 财务部 张总") || !hasChange(revisions, "created", fmt.Sprintf("revision of line %d", l.ID)) {
			t.Errorf("change log: line %+v, revision %+v", approvals, revisions)
		}
	})
}

func hasChange(changes []store.Change, field, value string) bool {
	for _, c := range changes {
		if c.Field == field && c.New == value {
			return true
		}
	}
	return false
}

func TestProfilesAndChangeCost(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		if err := s.SaveProfile(ctx, "财务部格式", "budget", map[string]string{"service": "业务", "category": "费用类"}); err != nil {
			t.Fatal(err)
		}
		m, err := s.Profile(ctx, "财务部格式", "budget")
		if err != nil || m["service"] != "业务" {
			t.Fatalf("profile: %v %v", m, err)
		}
		if m, err := s.Profile(ctx, "财务部格式", "actuals"); err != nil || m["category"] != "费用类" {
			t.Errorf("a budget profile for actuals (the same fields): %v %v", m, err)
		}
		// A budget's mapping for an inventory or samples would send columns to
		// fields that file does not read: refused, not applied.
		if _, err := s.Profile(ctx, "财务部格式", "inventory"); store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "for budget files, not inventory files") {
			t.Errorf("a budget profile for an inventory: %v", err)
		}
		if _, err := s.Profile(ctx, "nope", "budget"); store.ErrorCode(err) != store.ENotFound {
			t.Errorf("missing profile: %v", err)
		}
		path := filepath.Join(t.TempDir(), "p.csv")
		os.WriteFile(path, []byte("业务,费用类,项目,1月\n网上银行,许可证,维保,1200\n手机银行,人员,开发,2400\n"), 0o600)
		if _, err := s.Import(ctx, fy, path, budget.ImportOptions{Mapping: m}); err != nil {
			t.Fatalf("import with the profile: %v", err)
		}
		// A change to the primary SAN touches every service that runs on it.
		san := ""
		for _, c := range mustSearch(t, s, "bj-san-01") {
			san = c
		}
		costs, err := s.ChangeCost(ctx, fy, []string{san})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range costs {
			names = append(names, c.ServiceName)
			if c.MonthlyRunCost*12 > c.Year || len(c.Lines) == 0 {
				t.Errorf("%s: run cost %v, year %v, %d lines", c.ServiceName, c.MonthlyRunCost, c.Year, len(c.Lines))
			}
		}
		if len(costs) != 2 || !strings.Contains(strings.Join(names, " "), "Internet banking") {
			t.Errorf("services costed for the SAN change: %v", names)
		}
	})
}

// FuzzImportCSV feeds arbitrary CSV text to the budget import (a dry run):
// layout detection, month headers and amounts must refuse with a message
// that names the file, never fail inside.
func FuzzImportCSV(f *testing.F) {
	f.Add("服务,类别,1月,2月\n网上银行,许可证,\"¥1,000\",(200)\n合计,,1000,-200\n")
	f.Add("Service,Category,Month,Amount\n网上银行,people,2026-01,5\n")
	f.Add("标题\n\n费用池,类别,Jan\n数据中心,facilities,3\n")
	s, fy := demoBudget(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "fuzz.csv")
		os.WriteFile(path, []byte(text), 0o600)
		res, err := s.Import(context.Background(), fy, path, budget.ImportOptions{DryRun: true})
		if err != nil && store.ErrorCode(err) != store.EInvalid {
			t.Fatalf("internal error on user input: %v", err)
		}
		for _, p := range res.Problems {
			if !strings.HasPrefix(p.Error(), "fuzz.csv: ") {
				t.Fatalf("problem does not name the file: %v", p)
			}
		}
	})
}

func TestByCategory(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		if _, err := s.Import(ctx, fy, financeWorkbook(t, t.TempDir()), budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		s.AddActual(ctx, fy, "网上银行", budget.Licences, 1, 12_000_00)
		totals, err := s.ByCategory(ctx, fy)
		if err != nil {
			t.Fatal(err)
		}
		found := map[budget.Category]budget.CategoryTotal{}
		for _, c := range totals {
			found[c.Category] = c
		}
		if lic := found[budget.Licences]; lic.Plan != 120_000_00 || lic.YTDPlan != 10_000_00 || lic.YTDActual != 12_000_00 || lic.Capex {
			t.Errorf("licences: %+v", lic)
		}
		if fac := found[budget.Facilities]; fac.Plan != 2_400_000_00 {
			t.Errorf("facilities (a pool): %+v", fac)
		}
	})
}

// TestActualsGrid: actuals recorded several times for the same service,
// category and month add up in one cell; services come before pools.
func TestActualsGrid(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		if _, err := s.Import(ctx, fy, financeWorkbook(t, t.TempDir()), budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, a := range []struct {
			who      string
			category budget.Category
			month    int
			amount   budget.Money
		}{
			{"数据中心", budget.Facilities, 1, 200_000_00},
			{"网上银行", budget.Licences, 2, 5_000_00},
			{"网上银行", budget.Licences, 2, 7_000_00},
			{"网上银行", budget.People, 1, 300_000_00},
		} {
			if err := s.AddActual(ctx, fy, a.who, a.category, a.month, a.amount); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := s.Actuals(ctx, fy)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("%d rows: %+v", len(rows), rows)
		}
		if r := rows[0]; r.ServiceName != "网上银行 Internet banking" || r.Category != budget.Licences || r.Amounts[1] != 12_000_00 || r.Total() != 12_000_00 {
			t.Errorf("first row: %+v", r)
		}
		if r := rows[2]; r.Pool != "数据中心" || r.ServiceRef != "" || r.Amounts[0] != 200_000_00 {
			t.Errorf("pool row last: %+v", r)
		}
		if err := s.AddActual(ctx, fy, "nobody", budget.People, 1, 1); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("actual for an unknown service: %v", err)
		}
		recent, _ := cmdbOf[s].DB().RecentChanges(ctx, 1)
		if len(recent) != 1 || recent[0].Entity != "actual" || recent[0].New != "300,000.00" {
			t.Errorf("the last actual recorded is not in the change log: %+v", recent)
		}
	})
}

// TestDeleteLineOnlyProposed: a proposed line goes, months and all, and
// the log keeps what it was; an approved line stays.
func TestDeleteLineOnlyProposed(t *testing.T) {
	ctx := context.Background()
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		l, err := s.AddLine(ctx, fy, budget.Line{Pool: "机房", Category: budget.Facilities, Description: "UPS 电池", Amounts: [12]budget.Money{100_00, 200_00}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteLine(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
		if lines, _ := s.Lines(ctx, fy); len(lines) != 0 {
			t.Errorf("%d lines after deleting the only one", len(lines))
		}
		log, _ := cmdbOf[s].DB().Changes(ctx, "budget_line", l.ID)
		if last := log[len(log)-1]; last.Field != "deleted" || !strings.Contains(last.Old, "UPS 电池") || !strings.Contains(last.Old, "300.00") {
			t.Errorf("the log of the deletion: %+v", last)
		}
		kept, _ := s.AddLine(ctx, fy, budget.Line{Pool: "机房", Category: budget.Facilities, Amounts: [12]budget.Money{1}})
		if err := s.ApproveLine(ctx, kept.ID, "李明"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteLine(ctx, kept.ID); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("deleting an approved line: %v", err)
		}
		if err := s.DeleteLine(ctx, 9999); store.ErrorCode(err) != store.ENotFound {
			t.Errorf("deleting a line that does not exist: %v", err)
		}
	})
}

// TestUndoImportTakesTheImportBack: the latest import of a file is taken
// back as a whole — lines it created deleted, months it changed put back,
// actuals it brought deleted — and an undo that would lose later work is
// refused with nothing changed.
func TestUndoImportTakesTheImportBack(t *testing.T) {
	ctx := context.Background()
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		dir := t.TempDir()
		file := filepath.Join(dir, "预算.csv")
		os.WriteFile(file, []byte("服务,类别,项目,1月,2月\n网上银行,许可证,维保,1000,2000\n手机银行,人员,开发,500,500\n"), 0o600)
		if _, err := s.Import(ctx, fy, file, budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		snapshot := func() string {
			lines, _ := s.Lines(ctx, fy)
			var b strings.Builder
			for _, l := range lines {
				fmt.Fprintf(&b, "%s %s %v\n", l.ServiceRef, l.Description, l.Amounts)
			}
			return b.String()
		}
		after1 := snapshot()
		// The same file again, one month changed and a line added.
		os.WriteFile(file, []byte("服务,类别,项目,1月,2月\n网上银行,许可证,维保,1500,2000\n手机银行,人员,开发,500,500\n柜面业务,资产,终端,800,0\n"), 0o600)
		if _, err := s.Import(ctx, fy, file, budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		res, err := s.UndoImport(ctx, fy, "预算.csv")
		if err != nil {
			t.Fatal(err)
		}
		if res.LinesDeleted != 1 || res.LinesRestored != 1 {
			t.Errorf("undo: %+v", res)
		}
		if got := snapshot(); got != after1 {
			t.Errorf("after the undo:\n%swant as after the first import:\n%s", got, after1)
		}
		if _, err := s.UndoImport(ctx, fy, "预算.csv"); err == nil || !strings.Contains(err.Error(), "already been undone") {
			t.Errorf("a second undo: %v", err)
		}
		// An import whose line was approved since: refused, nothing changed.
		os.WriteFile(file, []byte("服务,类别,项目,1月\n薪资发放,许可证,工资软件,300\n"), 0o600)
		if _, err := s.Import(ctx, fy, file, budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		lines, _ := s.Lines(ctx, fy)
		for _, l := range lines {
			if l.Description == "工资软件" {
				if err := s.ApproveLine(ctx, l.ID, "李明"); err != nil {
					t.Fatal(err)
				}
			}
		}
		before := snapshot()
		if _, err := s.UndoImport(ctx, fy, "预算.csv"); err == nil || !strings.Contains(err.Error(), "changed after the import") {
			t.Errorf("undo over an approval: %v", err)
		}
		if snapshot() != before {
			t.Error("a refused undo changed the budget")
		}
		// Actuals: the import's actuals go.
		actuals := filepath.Join(dir, "实际.csv")
		os.WriteFile(actuals, []byte("服务,类别,1月\n网上银行,许可证,900\n"), 0o600)
		if _, err := s.ImportActuals(ctx, fy, actuals, budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if res, err := s.UndoImport(ctx, fy, "实际.csv"); err != nil || res.ActualsDeleted != 1 {
			t.Fatalf("undo of actuals: %+v %v", res, err)
		}
		if rows, _ := s.Actuals(ctx, fy); len(rows) != 0 {
			t.Errorf("%d actual rows after undoing the only import", len(rows))
		}
	})
}
