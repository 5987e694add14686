package export

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/continuity"
)

// cmdbSheets writes the CI types, the CIs (in the CI importer's layout),
// the relations and the baselines.
func (b *book) cmdbSheets(ctx context.Context, src Sources) error {
	cm := src.CMDB
	types, err := cm.Types(ctx)
	if err != nil {
		return err
	}
	// No "Type" or "类型" header here: the CI importer takes the first
	// sheet with Type and Name columns, which must be the CIs.
	err = b.sheet("CI types", "配置项类型", []column{{"Key", "代码", 18}, {"Name", "名称", 24}, {"Chinese name", "中文名称", 18},
		{"Service", "服务类", 9}, {"Built in", "内置", 8}, {"Attributes", "属性", 60}, {"Description", "描述", 40}},
		func(add func(...any) error) error {
			for _, t := range types {
				var attrs []string
				for _, a := range t.Attributes {
					attr := a.Name + " (" + string(a.Kind) + ")"
					if a.Required {
						attr += " *"
					}
					attrs = append(attrs, attr)
				}
				if err := add(t.Key, t.Name, text(t.NameZh), b.yesNo(t.IsService), b.yesNo(t.Builtin), text(strings.Join(attrs, "; ")), text(t.Description)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	header, keys := ciHeader(types)
	cols := make([]column, len(header))
	builtinZh := []string{"编号", "类型", "名称", "描述", "状态", "重要性", "负责人", "位置", "版本"}
	zhAttr := map[string]string{}
	for _, t := range types {
		for _, a := range t.Attributes {
			if a.NameZh != "" && zhAttr[a.Name] == "" {
				zhAttr[a.Name] = a.NameZh
			}
		}
	}
	for i, h := range header {
		zh := h
		if i < len(builtinZh) {
			zh = builtinZh[i]
		} else if z := zhAttr[h]; z != "" {
			zh = z
		}
		cols[i] = column{en: h, zh: zh, width: 14}
	}
	cols[2].width, cols[3].width = 36, 36
	kinds := attrKinds(types)
	err = b.sheet("CIs", "配置项", cols, func(add func(...any) error) error {
		return pipelined(func(emit func(...any) error) error {
			return cm.EachCI(ctx, func(c cmdb.CI) error {
				cells := ciCells(c, keys, kinds, b.date)
				cells[4] = b.t(c.Status.Label(), c.Status.LabelZh())
				return emit(cells...)
			})
		}, add)
	})
	if err != nil {
		return err
	}
	err = b.sheet("Relations", "关系", []column{{"From", "源配置项", 14}, {"Kind", "关系类型", 14}, {"To", "目标配置项", 14}, {"Redundancy group", "冗余组", 18}},
		func(add func(...any) error) error {
			return pipelined(func(emit func(...any) error) error {
				return cm.EachRelation(ctx, func(r cmdb.Relation) error {
					return emit(r.FromRef, b.t(r.Kind.Label(), r.Kind.LabelZh()), r.ToRef, text(r.Group))
				})
			}, add)
		})
	if err != nil {
		return err
	}
	baselines, err := cm.Baselines(ctx)
	if err != nil {
		return err
	}
	return b.sheet("Baselines", "基线", []column{{"Baseline", "基线", 24}, {"Taken", "建立时间", 17}, {"By", "建立人", 14}, {"CIs", "配置项数", 9},
		{"Relations", "关系数", 9}, {"Note", "备注", 40}},
		func(add func(...any) error) error {
			for _, bl := range baselines {
				if err := add(bl.Name, b.when(bl.TakenAt), text(bl.TakenBy), bl.CICount, bl.RelationCount, text(bl.Note)); err != nil {
					return err
				}
			}
			return nil
		})
}

// planRecords is every plan with its parts, read once for the continuity
// sheets.
type planRecords struct {
	plan         continuity.Plan
	steps        []continuity.PlanStep
	roles        []continuity.Role
	distribution []continuity.Copy
	exercises    []continuity.Exercise
	reviews      []continuity.Review
	actions      []continuity.Action
}

func loadPlanRecords(ctx context.Context, cs *continuity.Store) ([]planRecords, error) {
	summaries, err := cs.Plans(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]planRecords, len(summaries))
	for i, s := range summaries {
		r := &out[i]
		r.plan = s.Plan
		id := s.ID
		if r.steps, err = cs.Steps(ctx, id); err != nil {
			return nil, err
		}
		if r.roles, err = cs.Roles(ctx, id); err != nil {
			return nil, err
		}
		if r.distribution, err = cs.Distribution(ctx, id); err != nil {
			return nil, err
		}
		if r.exercises, err = cs.Exercises(ctx, id); err != nil {
			return nil, err
		}
		if r.reviews, err = cs.Reviews(ctx, id); err != nil {
			return nil, err
		}
		if r.actions, err = cs.Actions(ctx, s.DocNumber, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eachPlan writes a row per item of every plan.
func eachPlan(plans []planRecords, add func(...any) error, rows func(p planRecords) [][]any) error {
	for _, p := range plans {
		for _, r := range rows(p) {
			if err := add(r...); err != nil {
				return err
			}
		}
	}
	return nil
}

// continuitySheets writes the plans and their steps, call trees,
// distribution lists, exercises, reviews and actions.
func (b *book) continuitySheets(ctx context.Context, src Sources) error {
	plans, err := loadPlanRecords(ctx, src.Continuity)
	if err != nil {
		return err
	}
	doc := column{"Document", "文件编号", 12}
	err = b.sheet("Plans", "连续性计划", []column{doc, {"Title", "标题", 34}, {"Service", "服务", 12}, {"Service name", "服务名称", 24},
		{"Version", "版本", 8}, {"Status", "状态", 12}, {"Owner", "负责人", 14}, {"Approver", "批准人", 14}, {"Approved", "批准日期", 11},
		{"Approved by", "批准者", 14}, {"Review every (months)", "评审周期（月）", 10}, {"Next review", "下次评审", 11}, {"Classification", "密级", 12},
		{"RTO (hours)", "RTO（小时）", 9}, {"RPO (hours)", "RPO（小时）", 9}, {"MTPD (hours)", "MTPD（小时）", 9}, {"Minimum service level", "最低服务水平", 30},
		{"Scope and assumptions", "范围与假设", 40}, {"Invocation criteria", "启动条件", 40}, {"Procedures on major loss", "重大中断处置程序", 40},
		{"Availability while invoked", "启动期间的可用性", 40}, {"Recovery requirements", "恢复要求", 40}, {"Return to normal", "恢复正常运行", 40}},
		func(add func(...any) error) error {
			for _, r := range plans {
				p := r.plan
				status := map[continuity.Status][2]string{continuity.Draft: {"draft", "草案"}, continuity.Revised: {"revised", "已修订"}}[p.Status()]
				if status[0] == "" {
					status = [2]string{"approved", "已批准"}
				}
				if err := add(p.DocNumber, p.Title, p.ServiceRef, text(p.ServiceName), p.Version, b.t(status[0], status[1]), text(p.Owner), text(p.Approver),
					b.day(p.ApprovedAt), text(p.ApprovedBy), p.ReviewMonths, b.day(p.NextReview), text(p.Classification),
					b.hours(p.RTO), b.hours(p.RPO), b.hours(p.MTPD), text(p.MinServiceLevel), text(p.Scope), text(p.Invocation), text(p.MajorLoss),
					text(p.AvailabilityInvoked), text(p.Recovery), text(p.ReturnToNormal)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	err = b.sheet("Recovery steps", "恢复步骤", []column{doc, {"Step", "步骤", 6}, {"Phase", "阶段", 12}, {"Who", "执行人", 18}, {"Action", "操作", 50},
		{"Where", "地点", 18}, {"Minutes", "用时（分钟）", 9}, {"After steps", "前置步骤", 10}},
		func(add func(...any) error) error {
			return eachPlan(plans, add, func(p planRecords) [][]any {
				number := map[int64]int{}
				for _, s := range p.steps {
					number[s.ID] = s.Number
				}
				var rows [][]any
				for _, s := range p.steps {
					var after []string
					for _, id := range s.DependsOn {
						after = append(after, strconv.Itoa(number[id]))
					}
					rows = append(rows, []any{p.plan.DocNumber, s.Number, b.word(string(s.Phase)), text(s.Who), text(s.Action), text(s.Location),
						int(s.Duration.Minutes()), text(strings.Join(after, ", "))})
				}
				return rows
			})
		})
	if err != nil {
		return err
	}
	contact := func(c *continuity.Contact) []any {
		if c == nil {
			return []any{nil, nil, nil, nil, nil}
		}
		return []any{text(c.Name), text(c.Organisation), text(c.Mobile), text(c.Phone), text(c.Email)}
	}
	err = b.sheet("Call tree", "联络树", []column{doc, {"Order", "顺序", 6}, {"Role", "角色", 20},
		{"Call first", "首选联系人", 14}, {"Organisation", "单位", 16}, {"Mobile", "手机", 15}, {"Phone", "电话", 15}, {"Email", "电子邮件", 22},
		{"If not reached", "备选联系人", 14}, {"Organisation", "单位", 16}, {"Mobile", "手机", 15}, {"Phone", "电话", 15}, {"Email", "电子邮件", 22}},
		func(add func(...any) error) error {
			return eachPlan(plans, add, func(p planRecords) [][]any {
				var rows [][]any
				for _, r := range p.roles {
					row := append([]any{p.plan.DocNumber, r.Escalation, r.Role}, contact(r.Primary)...)
					rows = append(rows, append(row, contact(r.Alternate)...))
				}
				return rows
			})
		})
	if err != nil {
		return err
	}
	err = b.sheet("Distribution", "分发清单", []column{doc, {"Copy", "副本号", 7}, {"Holder", "持有人", 20}, {"Location", "存放地点", 24},
		{"Issued", "发放日期", 11}, {"Version issued", "发放版本", 9}},
		func(add func(...any) error) error {
			return eachPlan(plans, add, func(p planRecords) [][]any {
				var rows [][]any
				for _, c := range p.distribution {
					rows = append(rows, []any{p.plan.DocNumber, c.CopyNo, c.Holder, text(c.Location), b.day(c.Issued), text(c.Version)})
				}
				return rows
			})
		})
	if err != nil {
		return err
	}
	err = b.sheet("Exercises", "演练", []column{doc, {"Exercise", "演练编号", 8}, {"Kind", "类型", 14}, {"Planned", "计划日期", 11}, {"Held", "实施日期", 11},
		{"Participants", "参与人", 24}, {"Objectives", "目标", 30}, {"Outcome", "结果", 14}, {"Findings", "发现", 40},
		{"Reviewed", "评审日期", 11}, {"Reviewed by", "评审人", 14}, {"Review notes", "评审意见", 30}},
		func(add func(...any) error) error {
			return eachPlan(plans, add, func(p planRecords) [][]any {
				var rows [][]any
				for _, e := range p.exercises {
					rows = append(rows, []any{p.plan.DocNumber, e.ID, b.word(strings.ReplaceAll(string(e.Kind), "_", " ")), b.day(e.Planned), b.day(e.Held),
						text(e.Participants), text(e.Objectives), text(b.word(strings.ReplaceAll(string(e.Outcome), "_", " "))), text(e.Findings),
						b.day(e.ReviewedAt), text(e.ReviewedBy), text(e.ReviewNotes)})
				}
				return rows
			})
		})
	if err != nil {
		return err
	}
	err = b.sheet("Reviews", "评审", []column{doc, {"Reviewed", "评审日期", 11}, {"Reviewer", "评审人", 14}, {"Outcome", "结论", 16},
		{"Notes", "意见", 40}, {"Reasons covered", "涵盖的评审原因", 50}, {"Exercise", "演练编号", 8}},
		func(add func(...any) error) error {
			return eachPlan(plans, add, func(p planRecords) [][]any {
				var rows [][]any
				for _, r := range p.reviews {
					var exercise any
					if r.ExerciseID > 0 {
						exercise = r.ExerciseID
					}
					rows = append(rows, []any{p.plan.DocNumber, b.day(r.At), text(r.By), text(b.word(strings.ReplaceAll(string(r.Outcome), "_", " "))),
						text(r.Notes), text(r.Cleared), exercise})
				}
				return rows
			})
		})
	if err != nil {
		return err
	}
	return b.sheet("Actions", "措施", []column{doc, {"Action", "措施编号", 8}, {"Description", "描述", 50}, {"Owner", "负责人", 14}, {"Due", "到期", 11},
		{"Status", "状态", 9}, {"Verification", "验证", 30}, {"Closed", "关闭日期", 11}, {"From exercise", "来源演练", 8}},
		func(add func(...any) error) error {
			return eachPlan(plans, add, func(p planRecords) [][]any {
				var rows [][]any
				for _, a := range p.actions {
					var exercise any
					if a.ExerciseID > 0 {
						exercise = a.ExerciseID
					}
					rows = append(rows, []any{p.plan.DocNumber, a.ID, a.Description, text(a.Owner), b.day(a.Due), b.word(a.Status),
						text(a.Verification), b.day(a.ClosedAt), exercise})
				}
				return rows
			})
		})
}

// availabilitySheets writes the targets, every outage (in the outage
// importer's layout) and each service's availability month by month for
// the twelve months up to the "as of" time, the current month to date.
func (b *book) availabilitySheets(ctx context.Context, src Sources) error {
	cs := src.Continuity
	targets, err := cs.Targets(ctx)
	if err != nil {
		return err
	}
	err = b.sheet("Availability targets", "可用性目标", []column{{"Service", "服务", 12}, {"Service name", "服务名称", 24}, {"Target %", "目标（%）", 9},
		{"Measured per", "考核周期", 10}, {"Service hours", "服务时间", 26}, {"Time zone", "时区", 16}, {"Planned downtime", "计划停机", 14}},
		func(add func(...any) error) error {
			for _, t := range targets {
				planned := b.t("excluded", "不计入")
				if t.PlannedPolicy != continuity.PlannedExcluded {
					planned = b.t("counted", "计入")
				}
				if err := add(t.ServiceRef, text(t.ServiceName), b.pct(t.Percent), b.word(t.Period), text(t.ServiceHours), text(t.TimeZone), planned); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	everything := continuity.Interval{Start: time.Unix(0, 0), End: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	outages, err := cs.Outages(ctx, "", everything)
	if err != nil {
		return err
	}
	// Headers the outage importer knows; the times in the workbook's zone.
	err = b.sheet("Outages", "中断", []column{{"Service", "服务", 12}, {"Start", "开始时间", 17}, {"End", "结束时间", 17}, {"Planned", "计划内", 8},
		{"Partial", "部分中断", 8}, {"Cause CI", "原因配置项", 12}, {"Description", "描述", 40}, {"Investigation", "调查状态", 12},
		{"Root cause", "根本原因", 30}, {"Actions taken", "采取的措施", 30}},
		func(add func(...any) error) error {
			for _, o := range outages {
				if err := add(o.ServiceRef, b.when(o.Start), b.when(o.End), b.yesNo(o.Planned), b.yesNo(o.Partial), text(o.CauseRef),
					text(o.Description), o.Investigation, text(o.Cause), text(o.Actions)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	asOf := b.opt.AsOf.In(b.opt.Zone)
	return b.sheet("Availability 12 months", "近12个月可用性", []column{{"Service", "服务", 12}, {"Service name", "服务名称", 24}, {"Month", "月份", 9},
		{"Target %", "目标（%）", 9}, {"Availability %", "可用性（%）", 11}, {"Met", "达标", 6}, {"To date", "截至目前", 8},
		{"Downtime (hours)", "停机（小时）", 10}, {"Outages", "中断次数", 8}, {"MTRS (hours)", "平均恢复时间（小时）", 12}, {"Uninvestigated", "未调查", 9}},
		func(add func(...any) error) error {
			if len(targets) == 0 {
				return nil
			}
			for back := 11; back >= 0; back-- {
				month := time.Date(asOf.Year(), asOf.Month()-time.Month(back), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
				results, err := cs.AvailabilityAt(ctx, month, "", b.opt.AsOf)
				if err != nil {
					return fmt.Errorf("availability of %s: %w", month, err)
				}
				for _, r := range results {
					toDate := ""
					if r.ToDate {
						toDate = b.t("to date", "截至目前")
					}
					if err := add(r.ServiceRef, text(r.ServiceName), month, b.pct(r.Target.Percent), b.pct(r.Availability),
						b.yesNo(r.Met), text(toDate), b.hours(r.Downtime), r.Outages, b.hours(r.MTRS), r.Uninvestigated); err != nil {
						return err
					}
				}
			}
			return nil
		})
}

// budgetSheets writes the fiscal years and, per year, its budget lines (in
// the budget importer's layout), allocation rules, allocation trace and
// actuals (in the actuals importer's layout).
func (b *book) budgetSheets(ctx context.Context, src Sources) error {
	bs := src.Budget
	years, err := bs.FiscalYears(ctx)
	if err != nil {
		return err
	}
	err = b.sheet("Fiscal years", "财年", []column{{"Fiscal year", "财年", 10}, {"First month", "起始月份", 10}, {"Currency", "币种", 8}},
		func(add func(...any) error) error {
			for _, fy := range years {
				if err := add(fy.Year, fy.StartMonth, fy.Currency); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, fy := range years {
		if err := b.fiscalYearSheets(ctx, bs, fy); err != nil {
			return err
		}
	}
	return nil
}

// months are a fiscal year's month headers, 2026-04 … 2027-03, which the
// budget importer reads as those months.
func fiscalMonths(fy budget.FiscalYear) []string {
	out := make([]string, 12)
	for i := range out {
		out[i] = fmt.Sprintf("%d-%02d", fy.Year+(fy.StartMonth-1+i)/12, (fy.StartMonth-1+i)%12+1)
	}
	return out
}
