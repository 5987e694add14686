package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"servicebook/audit"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
)

// ReviewPack is the input to a management review (ISO/IEC 20000-1:2018
// 9.3): what the records say about each input the standard names, as of
// one moment.
type ReviewPack struct {
	Report       audit.Report
	Period       string // the month availability is reported for
	Availability []continuity.ServiceAvailability
	Breaches     []capacity.ResourceStatus // resources forecast to reach a threshold within BreachDays
	BreachDays   int
	Unforecast   int // resources with no kept forecast yet
	ConfigAudits []cmdb.ConfigAudit
	Actions      []continuity.Action // open actions of continuity plans
	AuditActions []cmdb.AuditFinding // open actions raised by configuration audits
	Baselines    []cmdb.Baseline     // taken in the last 90 days
}

// LoadReviewPack gathers a review pack from the records, with rep the
// readiness checks run as of its moment.
func LoadReviewPack(ctx context.Context, src audit.Sources, rep audit.Report) (ReviewPack, error) {
	set := rep.Settings
	p := ReviewPack{Report: rep, BreachDays: set.BreachDays, Period: rep.AsOf.AddDate(0, -1, 0).Format("2006-01")}
	var err error
	if p.Availability, err = src.Continuity.AvailabilityAt(ctx, p.Period, "", rep.AsOf); err != nil {
		return p, err
	}
	if p.Breaches, p.Unforecast, err = src.Capacity.Breaches(ctx, time.Duration(set.BreachDays)*24*time.Hour); err != nil {
		return p, err
	}
	if p.ConfigAudits, err = src.CMDB.Audits(ctx); err != nil {
		return p, err
	}
	for _, a := range p.ConfigAudits {
		findings, err := src.CMDB.AuditFindings(ctx, a.ID)
		if err != nil {
			return p, err
		}
		for _, f := range findings {
			if f.Resolution == cmdb.Actioned {
				f.Found = a.Number() // which audit raised it, for the table
				p.AuditActions = append(p.AuditActions, f)
			}
		}
	}
	if p.Actions, err = src.Continuity.Actions(ctx, "", true); err != nil {
		return p, err
	}
	baselines, err := src.CMDB.Baselines(ctx)
	if err != nil {
		return p, err
	}
	since := rep.AsOf.AddDate(0, 0, -90)
	for _, b := range baselines {
		if !b.TakenAt.Before(since) {
			p.Baselines = append(p.Baselines, b)
		}
	}
	return p, nil
}

// ReviewPackPDF writes the management-review input pack to path: a
// section for each input ISO/IEC 20000-1:2018 9.3 names.
func ReviewPackPDF(path string, p ReviewPack, opt PDFOptions) error {
	data, err := ReviewPackPDFBytes(p, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// ReviewPackPDFBytes is ReviewPackPDF into memory.
func ReviewPackPDFBytes(p ReviewPack, opt PDFOptions) ([]byte, error) {
	d := newPDF(opt)
	rep := p.Report
	d.title = d.t("Management review input", "管理评审输入")
	d.classification = d.t("Internal use", "内部使用")
	d.docNumber = d.title + " " + rep.AsOf.Format("2006-01-02")
	d.SetTitle(d.title, true)
	d.AddPage()
	d.heading(d.title+" — ISO/IEC 20000-1:2018 §9.3", 0)
	d.reportFields(rep)

	d.heading(d.t("1. Performance and conformity of the services and processes", "1. 服务和过程的绩效与符合性"), 1)
	d.paragraph(fmt.Sprintf(d.t("Availability in %s against each service's target:", "%s 各服务可用性与目标对比："), p.Period))
	rows := make([][]string, len(p.Availability))
	for i, a := range p.Availability {
		met := d.t("met", "达标")
		if !a.Met {
			met = d.t("missed", "未达标")
		}
		rows[i] = []string{a.ServiceRef, a.ServiceName, fmt.Sprintf("%.3f %%", a.Availability), fmt.Sprintf("%g %%", a.Target.Percent), met,
			strconv.Itoa(a.Outages)}
	}
	d.table([]string{d.t("Service", "服务"), d.t("Name", "名称"), d.t("Availability", "可用性"), d.t("Target", "目标"), d.t("Result", "结果"),
		d.t("Outages", "中断次数")}, []float64{13, 35, 14, 12, 12, 14}, "LLRRLR", rows, func(i int) bool { return !p.Availability[i].Met })
	d.paragraph(d.t("Conformity: the readiness checks, by clause:", "符合性：按条款的审核准备检查："))
	rows = rows[:0]
	for _, r := range rep.Results {
		rows = append(rows, []string{r.ID, d.checkTitle(r.Check), "§" + r.Clause2018, d.auditSeverity(r.Severity), strconv.Itoa(r.Looked), strconv.Itoa(len(r.Findings))})
	}
	d.table([]string{d.t("Check", "检查项"), d.t("Requirement", "要求"), d.t("Clause", "条款"), d.t("Severity", "严重程度"), d.t("Looked at", "已检查"),
		d.t("Findings", "发现")}, []float64{8, 48, 10, 12, 11, 11}, "LLLLRR", rows, func(i int) bool { return len(rep.Results[i].Findings) > 0 })

	d.heading(d.t("2. Resource levels", "2. 资源水平"), 1)
	rows = rows[:0]
	for _, b := range p.Breaches {
		rows = append(rows, []string{b.Name, usageText(b.Latest) + " " + b.Unit, d.reachText(b.ToWarning, p.BreachDays), d.reachText(b.ToCritical, p.BreachDays),
			strconv.Itoa(b.Upgrades)})
	}
	d.paragraph(fmt.Sprintf(d.t("Resources forecast to reach a threshold within %d days (%d without a forecast yet):", "预计 %d 天内触及阈值的资源（另有 %d 个尚无预测）："),
		p.BreachDays, p.Unforecast))
	d.table([]string{d.t("Resource", "资源"), d.t("Latest", "最新值"), d.t("Warning", "警告"), d.t("Critical", "严重"), d.t("Upgrades planned", "计划扩容")},
		[]float64{30, 14, 22, 22, 12}, "LRLLR", rows, nil)

	d.heading(d.t("3. Risks", "3. 风险"), 1)
	d.findingsOf(rep, "C01", "C03", "D03", "K01")

	d.heading(d.t("4. Results of audits", "4. 审核结果"), 1)
	rows = rows[:0]
	for _, a := range p.ConfigAudits {
		state := d.t("open", "进行中")
		if a.Closed() {
			state = d.t("closed ", "关闭于 ") + a.ClosedAt.Format("2006-01-02")
		}
		rows = append(rows, []string{a.Number(), a.Title, a.StartedAt.Format("2006-01-02"), fmt.Sprintf("%d / %d / %d", a.Lines, a.Matched, a.Equal),
			fmt.Sprintf("%d (%d %s)", a.Findings, a.Open, d.t("open", "未处理")), state})
	}
	d.paragraph(d.t("Configuration audits (CIs in scope / matched / as recorded):", "配置审核（范围内 / 已匹配 / 与记录一致）："))
	d.table([]string{d.t("Audit", "审核"), d.t("Title", "标题"), d.t("Started", "开始"), d.t("CIs", "配置项"), d.t("Findings", "发现"), d.t("State", "状态")},
		[]float64{10, 32, 13, 15, 15, 15}, "LLLRRL", rows, nil)
	d.paragraph(fmt.Sprintf(d.t("Readiness checks as of %s: %d major, %d minor findings, %d observations.", "截至 %s 的审核准备检查：严重发现 %d 项，一般发现 %d 项，观察 %d 项。"),
		rep.AsOf.Format("2006-01-02"), rep.Count(audit.Major), rep.Count(audit.Minor), rep.Count(audit.Observation)))

	d.heading(d.t("5. Status of corrective actions", "5. 纠正措施的状态"), 1)
	today := rep.AsOf.Format(time.DateOnly)
	rows = rows[:0]
	var late []bool
	for _, a := range p.Actions {
		rows = append(rows, []string{a.DocNumber, a.Description, a.Owner, a.Due})
		late = append(late, a.Due != "" && a.Due < today)
	}
	for _, f := range p.AuditActions {
		what := f.Ref + " " + d.findingKind(f.Kind)
		if f.Note != "" {
			what += ": " + f.Note
		}
		rows = append(rows, []string{f.Found, what, f.ActionOwner, f.ActionDue})
		late = append(late, f.ActionDue < today)
	}
	d.paragraph(d.t("Open actions; those past their due date in bold:", "未关闭的措施；逾期的以粗体显示："))
	d.table([]string{d.t("From", "来源"), d.t("Action", "措施"), d.t("Owner", "负责人"), d.t("Due", "到期")}, []float64{14, 50, 22, 14}, "LLLL", rows,
		func(i int) bool { return late[i] })

	d.heading(d.t("6. Changes that could affect the services", "6. 可能影响服务的变更"), 1)
	d.findingsOf(rep, "C04", "M02")
	rows = rows[:0]
	for _, b := range p.Baselines {
		rows = append(rows, []string{b.Name, b.TakenAt.Format("2006-01-02"), b.TakenBy, strconv.Itoa(b.CICount)})
	}
	d.paragraph(d.t("CMDB baselines taken in the last 90 days:", "最近 90 天的配置基线："))
	d.table([]string{d.t("Baseline", "基线"), d.t("Taken", "日期"), d.t("By", "执行人"), d.t("CIs", "配置项")}, []float64{50, 16, 20, 14}, "LLLR", rows, nil)

	d.heading(d.t("7. Opportunities for improvement", "7. 改进机会"), 1)
	d.findingsOf(rep, "C02", "C05", "C07", "K02", "B01", "B02", "B03", "M01", "M03")
	d.signatureAs(d.t("Prepared by", "编制人"), d.t("Reviewed by (top management)", "评审人（最高管理者）"), rep.RunBy)
	return d.bytes("management review input")
}

// findingsOf prints the findings of the checks ids, a line each with the
// check, the record and what is wrong; a check with none says so.
func (d *pdfDoc) findingsOf(rep audit.Report, ids ...string) {
	var rows [][]string
	for _, r := range rep.Results {
		for _, id := range ids {
			if r.ID != id {
				continue
			}
			if len(r.Findings) == 0 {
				rows = append(rows, []string{r.ID, "", d.checkTitle(r.Check) + d.t(": nothing found", "：未发现问题")})
			}
			for i, f := range r.Findings {
				if i == evidenceRows {
					rows = append(rows, []string{r.ID, "…", fmt.Sprintf(d.t("and %d more", "另有 %d 项"), len(r.Findings)-evidenceRows)})
					break
				}
				rows = append(rows, []string{r.ID, orDash(f.Record), d.msg(f.Msg)})
			}
		}
	}
	d.table([]string{d.t("Check", "检查项"), d.t("Record", "记录"), d.t("Finding", "发现")}, []float64{8, 16, 76}, "LLL", rows, nil)
}
