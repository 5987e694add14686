package demo

import (
	"context"
	"fmt"
	"time"

	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// Continuity writes the sample organisation's continuity records: plans
// (approved ones, drafts, one flagged for review after a change, one with
// a failed exercise), availability targets and a season of outages. It
// expects the CMDB written by Organisation.
func Continuity(ctx context.Context, cm *cmdb.Store, cs *continuity.Store) error {
	ctx = store.WithSource(ctx, "demo")
	all, _, err := cm.ListCIs(ctx, cmdb.Filter{})
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, c := range all {
		byName[c.Name] = c.Ref
	}
	ref := func(name string) (string, error) {
		if r, ok := byName[name]; ok {
			return r, nil
		}
		return "", fmt.Errorf("demo: no CI named %q", name)
	}
	type step struct {
		phase continuity.Phase
		who   string
		what  string
		takes time.Duration
		after []int // positions in the plan's list, 1-based
	}
	type planSpec struct {
		doc, title, service, owner string
		rto, rpo, mtpd             time.Duration
		scope, invocation, loss    string
		invoked, recovery, normal  string
		minLevel                   string
		steps                      []step
		approve                    bool
		exercise                   *continuity.Exercise
		action                     string
	}
	h, m := time.Hour, time.Minute
	plans := []planSpec{
		{
			doc: "SM-02002", title: "网上银行服务连续性计划 Internet banking continuity plan", service: "网上银行 Internet banking",
			owner: "陈静 Chen Jing", rto: 4 * h, rpo: 15 * m, mtpd: 24 * h,
			scope:      "网上银行及其依赖的应用、数据库和基础设施；假设上海灾备中心可用。Internet banking and everything it depends on; assumes the Shanghai site is available.",
			invocation: "核心系统中断超过 1 小时，或北京主数据中心不可用时，由 IT 总监或其授权人启动。Invoked by the IT director (or deputy) when core systems are down for more than 1 hour or the Beijing site is lost.",
			loss:       "通知应急小组；将核心数据库切换到上海灾备库；将网银流量切换到上海。Call the response team; switch the core database to the Shanghai standby; move Internet banking traffic to Shanghai.",
			invoked:    "计划启用期间可用性目标 99.0%（查询与转账）。While invoked: 99.0 % for enquiries and transfers.",
			recovery:   "RTO 4 小时，RPO 15 分钟，最低服务水平：查询和转账。RTO 4 h, RPO 15 min; minimum service: enquiries and transfers.",
			normal:     "北京恢复后，在计划的维护窗口内反向同步并切回。Once Beijing is back, resynchronise and switch back in a planned window.",
			minLevel:   "余额查询和转账 Balance enquiries and transfers",
			steps: []step{
				{continuity.Activation, "Incident manager", "宣布灾难并启动计划 Declare the disaster and invoke the plan", 30 * m, nil},
				{continuity.Activation, "Incident manager", "按呼叫树通知应急小组 Call the response team along the call tree", 20 * m, []int{1}},
				{continuity.Recovery, "DBA", "激活上海灾备核心数据库 Activate the Shanghai standby core database", 90 * m, []int{2}},
				{continuity.Recovery, "Network", "将网银 DNS 切换到上海 Switch Internet banking DNS to Shanghai", 20 * m, []int{2}},
				{continuity.Recovery, "Applications", "启动上海网银应用并验证 Start and verify the banking apps in Shanghai", 60 * m, []int{3, 4}},
				{continuity.Reconstitution, "Service desk", "通知客户与分行 Tell customers and branches", 30 * m, []int{5}},
			},
			approve:  true,
			exercise: &continuity.Exercise{Kind: continuity.Tabletop, Planned: "2026-09-15", Held: "2026-09-16", Participants: "陈静, 张伟, 王建国, 赵敏", Objectives: "验证呼叫树和切换顺序 Check the call tree and switch-over order", Outcome: continuity.PassedWithIssues, Findings: "DNS 切换负责人不明确 Nobody owned the DNS switch"},
			action:   "明确 DNS 切换负责人并更新第 4 步 Name the owner of the DNS switch and update step 4",
		},
		{
			doc: "SM-02003", title: "支付服务连续性计划 Payment service continuity plan", service: "支付服务 Payment service",
			owner: "孙强 Sun Qiang", rto: 2 * h, rpo: 5 * m, mtpd: 8 * h,
			scope: "银行卡和转账支付 Card and transfer payments", minLevel: "银联交易 UnionPay transactions",
			steps: []step{
				{continuity.Activation, "Incident manager", "启动计划 Invoke the plan", 15 * m, nil},
				{continuity.Recovery, "Payments", "切换支付网关到上海 Switch the payment gateway to Shanghai", 2 * h, []int{1}},
			},
			approve:  true,
			exercise: &continuity.Exercise{Kind: continuity.Simulation, Planned: "2026-10-20", Held: "2026-10-22", Participants: "孙强, 张伟", Outcome: continuity.Failed, Findings: "网关证书在上海未更新，切换失败 The gateway certificate had expired in Shanghai"},
			action:   "在上海部署新证书并重新演练 Deploy the new certificate in Shanghai and re-test",
		},
		{
			doc: "SM-02004", title: "信贷审批连续性计划（草案）Loan approval continuity plan (draft)", service: "信贷审批 Loan approval",
			owner: "周洁 Zhou Jie", rto: 24 * h, rpo: time.Hour, mtpd: 72 * h,
			scope: "个人及小微企业贷款审批 Personal and SME loan approval",
			steps: []step{{continuity.Activation, "", "评估影响 Assess the impact", time.Hour, nil}},
		},
	}
	for _, ps := range plans {
		svc, err := ref(ps.service)
		if err != nil {
			return err
		}
		p, err := cs.CreatePlan(ctx, continuity.Plan{DocNumber: ps.doc, Title: ps.title, ServiceRef: svc, Owner: ps.owner,
			Approver: "李明 Li Ming (CIO)", RTO: ps.rto, RPO: ps.rpo, MTPD: ps.mtpd, Scope: ps.scope, Invocation: ps.invocation,
			MajorLoss: ps.loss, AvailabilityInvoked: ps.invoked, Recovery: ps.recovery, ReturnToNormal: ps.normal,
			MinServiceLevel: ps.minLevel})
		if err != nil {
			return err
		}
		var ids []int64
		for _, st := range ps.steps {
			var deps []int64
			for _, a := range st.after {
				deps = append(deps, ids[a-1])
			}
			added, err := cs.AddStep(ctx, p.DocNumber, continuity.PlanStep{Phase: st.phase, Who: st.who, Action: st.what, Duration: st.takes, DependsOn: deps})
			if err != nil {
				return err
			}
			ids = append(ids, added.ID)
		}
		roles := []struct{ role, primary, mobile, alternate, altMobile string }{
			{"Incident manager", "陈静 Chen Jing", "138 0000 0001", "王建国 Wang Jianguo", "138 0000 0002"},
			{"DBA", "张伟 Zhang Wei", "138 0000 0003", "刘洋 Liu Yang", "138 0000 0004"},
			{"Network", "赵强 Zhao Qiang", "138 0000 0005", "", ""},
		}
		for i, r := range roles {
			if err := cs.SetRole(ctx, p.DocNumber, r.role, i+1, continuity.Contact{Name: r.primary, Mobile: r.mobile},
				continuity.Contact{Name: r.alternate, Mobile: r.altMobile}); err != nil {
				return err
			}
		}
		if err := cs.AddCopy(ctx, p.DocNumber, continuity.Copy{Holder: "IT 总监办公室 IT director's office", Location: "北京 Beijing", Issued: "2026-09-01"}); err != nil {
			return err
		}
		if err := cs.AddCopy(ctx, p.DocNumber, continuity.Copy{Holder: "灾备中心值班室 Recovery site duty room", Location: "上海异地保险柜 Shanghai off-site safe", Issued: "2026-09-01"}); err != nil {
			return err
		}
		if ps.approve {
			current, err := cs.Plan(ctx, p.DocNumber)
			if err != nil {
				return err
			}
			if _, err := cs.Approve(ctx, p.DocNumber, continuity.Approval{Approver: "李明 Li Ming (CIO)", RowVersion: current.RowVersion,
				Reason: "已知问题将在下次修订中处理 Known issues are addressed in the next revision"}); err != nil {
				return err
			}
		}
		if ps.exercise != nil {
			ex, err := cs.AddExercise(ctx, p.DocNumber, *ps.exercise)
			if err != nil {
				return err
			}
			if _, err := cs.AddAction(ctx, p.DocNumber, continuity.Action{ExerciseID: ex.ID, Description: ps.action,
				Owner: ps.owner, Due: "2026-11-15"}); err != nil {
				return err
			}
			if ps.exercise.Outcome != continuity.Failed {
				if _, err := cs.Review(ctx, p.DocNumber, continuity.ReviewRecord{Reviewer: "王建国 Wang Jianguo", Outcome: continuity.ReviewAdequate,
					Comment: "演练已评审 Exercise reviewed", ExerciseID: ex.ID}); err != nil {
					return err
				}
			}
		}
	}
	// A new release of the Internet banking portal, which only the
	// Internet banking plan covers: SM-02002 is flagged for review.
	portal, err := ref("网银门户 Internet banking portal")
	if err != nil {
		return err
	}
	ci, err := cm.CI(ctx, portal)
	if err != nil {
		return err
	}
	ci.Version = "5.2.0"
	if _, err := cm.UpdateCI(ctx, ci); err != nil {
		return err
	}
	if err := cs.AssessChanges(ctx); err != nil {
		return err
	}

	// Availability targets and a season of outages.
	targets := []struct {
		service, hours string
		percent        float64
	}{
		{"网上银行 Internet banking", "7×24", 99.9},
		{"手机银行 Mobile banking", "7×24", 99.9},
		{"银行卡支付 Card payments", "7×24", 99.95},
		{"柜面业务 Branch counter service", "周一至周六 08:30-17:30", 99.5},
		{"信贷审批 Loan approval", "工作日 08:00-18:00", 99},
		{"薪资发放 Payroll", "工作日 09:00-17:00", 99},
	}
	for _, t := range targets {
		svc, err := ref(t.service)
		if err != nil {
			return err
		}
		if _, err := cs.SetTarget(ctx, svc, continuity.Target{Percent: t.percent, ServiceHours: t.hours, TimeZone: "Asia/Shanghai"}); err != nil {
			return err
		}
	}
	cst, _ := time.LoadLocation("Asia/Shanghai")
	at := func(mo, d, hh, mm int) time.Time { return time.Date(2026, time.Month(mo), d, hh, mm, 0, 0, cst) }
	outages := []struct {
		service, cause   string
		start, end       time.Time
		planned, partial bool
		what, status     string
	}{
		{"网上银行 Internet banking", "bj-san-01", at(10, 10, 3, 0), at(10, 10, 5, 10), false, false, "存储控制器故障切换 SAN controller failover", "closed"},
		{"网上银行 Internet banking", "", at(10, 18, 0, 0), at(10, 18, 4, 0), true, false, "季度补丁 Quarterly patching", "closed"},
		{"手机银行 Mobile banking", "短信网关 SMS gateway", at(10, 22, 19, 30), at(10, 22, 20, 15), false, true, "短信验证码延迟 One-time passwords delayed", "investigating"},
		{"银行卡支付 Card payments", "银联支付通道 UnionPay", at(10, 5, 11, 0), at(10, 5, 11, 25), false, false, "银联通道中断 UnionPay line down", "closed"},
		{"柜面业务 Branch counter service", "bj-core-sw-1", at(10, 13, 17, 0), at(10, 14, 9, 30), false, false, "核心交换机故障（跨夜）Core switch fault overnight", "open"},
		{"网上银行 Internet banking", "", at(11, 3, 14, 0), at(11, 3, 14, 40), false, false, "证书过期 Expired certificate", "closed"},
	}
	for _, o := range outages {
		svc, err := ref(o.service)
		if err != nil {
			return err
		}
		cause := ""
		if o.cause != "" {
			if cause, err = ref(o.cause); err != nil {
				return err
			}
		}
		if _, err := cs.AddOutage(ctx, continuity.OutageRecord{ServiceRef: svc, CauseRef: cause, Description: o.what,
			Investigation: o.status, Outage: continuity.Outage{Start: o.start, End: o.end, Planned: o.planned, Partial: o.partial}}); err != nil {
			return err
		}
	}
	return nil
}
