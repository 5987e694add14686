package export

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/doccontrol"
	"servicebook/store"
)

// CapacityPlan is a capacity plan with everything its printed copy shows.
type CapacityPlan struct {
	capacity.PlanState
	Upgrades     []capacity.Upgrade
	Revisions    []doccontrol.Revision
	Reviews      []capacity.PlanReview
	Distribution []doccontrol.Copy
}

// LoadCapacityPlans reads the capacity plans named by docs (every plan
// when none), with their forecasts over each plan's horizon.
func LoadCapacityPlans(ctx context.Context, caps *capacity.Store, docs []string) ([]CapacityPlan, error) {
	if len(docs) == 0 {
		plans, err := caps.Plans(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range plans {
			docs = append(docs, p.DocNumber)
		}
	}
	out := make([]CapacityPlan, 0, len(docs))
	for _, doc := range docs {
		st, err := caps.PlanState(ctx, doc)
		if err != nil {
			return nil, err
		}
		cp := CapacityPlan{PlanState: st}
		if cp.Upgrades, err = caps.PlanUpgrades(ctx, st.Resources); err != nil {
			return nil, err
		}
		if cp.Revisions, err = caps.Revisions(ctx, st.ID); err != nil {
			return nil, err
		}
		if cp.Reviews, err = caps.Reviews(ctx, st.ID); err != nil {
			return nil, err
		}
		if cp.Distribution, err = caps.Distribution(ctx, st.ID); err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, nil
}

// CapacityPlanPDF writes the capacity plans to path, one after another.
func CapacityPlanPDF(path string, plans []CapacityPlan, opt PDFOptions) error {
	data, err := CapacityPlanPDFBytes(plans, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// CapacityPlanPDFBytes is CapacityPlanPDF into memory: for each plan its
// document control, the sections, the resources with headroom and time to
// threshold, a chart per resource, the upgrades with their costs and the
// checks. A draft is marked DRAFT on every page.
func CapacityPlanPDFBytes(plans []CapacityPlan, opt PDFOptions) ([]byte, error) {
	d := newPDF(opt)
	d.SetTitle(d.t("Capacity plans", "容量计划"), true)
	for _, p := range plans {
		d.capacityPlan(p)
	}
	if len(plans) == 0 {
		d.classification = d.t("Internal use", "内部使用")
		d.AddPage()
		d.heading(d.t("Capacity plans", "容量计划"), 0)
		d.paragraph(d.t("No capacity plans have been written.", "尚未编写容量计划。"))
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, fmt.Errorf("cannot write the capacity plan: %w", err)
	}
	return buf.Bytes(), nil
}

// revisionsAndCopies prints a controlled document's change history (its
// first draft's line in the document's language) and its distribution
// list: what continuity and capacity plans share.
func (d *pdfDoc) revisionsAndCopies(revisions []doccontrol.Revision, firstDraft string, distribution []doccontrol.Copy) {
	revs := make([][]string, len(revisions))
	for i, r := range revisions {
		change := r.Change
		if change == firstDraft {
			change = d.t(change, "初稿")
		}
		revs[i] = []string{r.Version, r.Date, change, r.Reviewer, r.Approver}
	}
	d.heading(d.t("Change history", "修订记录"), 2)
	d.table([]string{d.t("Version", "版本"), d.t("Date", "日期"), d.t("Change", "修订内容"), d.t("Reviewer", "审核人"), d.t("Approver", "批准人")},
		[]float64{10, 14, 44, 16, 16}, "LLLLL", revs, nil)
	copies := make([][]string, len(distribution))
	for i, c := range distribution {
		copies[i] = []string{strconv.Itoa(c.CopyNo), c.Holder, c.Location, c.Issued, c.Version}
	}
	d.heading(d.t("Distribution", "分发清单"), 2)
	d.table([]string{d.t("Copy", "副本号"), d.t("Holder", "持有人"), d.t("Location", "存放地点"), d.t("Issued", "发放日期"), d.t("Version", "版本")},
		[]float64{10, 32, 34, 14, 10}, "RLLLL", copies, nil)
}

func (d *pdfDoc) docStatus(s doccontrol.Status) string {
	switch s {
	case doccontrol.Draft:
		return d.t("draft — for reference only", "草案——仅供参考")
	case doccontrol.Revised:
		return d.t("revised, awaiting approval", "已修订，待批准")
	}
	return d.t("approved", "已批准")
}

func (d *pdfDoc) capacityPlan(cp CapacityPlan) {
	p := cp.Plan
	d.docNumber = p.DocNumber + "  " + d.t("version", "版本") + " " + p.Version
	d.title = p.DocNumber + "  " + p.Title
	d.classification = p.Classification
	d.draft = p.IsDraft()
	d.AddPage()
	d.heading(p.DocNumber+"  "+p.Title, 0)
	var services []string
	for _, s := range p.Services {
		services = append(services, s.Ref+"  "+s.Name)
	}
	d.heading(d.t("Document control", "文件控制"), 1)
	d.fields([][2]string{
		{d.t("Document number", "文件编号"), p.DocNumber},
		{d.t("Version", "版本"), p.Version + "  (" + d.docStatus(p.Status()) + ")"},
		{d.t("Services", "服务"), strings.Join(services, "\n")},
		{d.t("Owner", "负责人"), p.Owner},
		{d.t("Approver", "批准人"), p.Approver},
		{d.t("Approved", "批准"), strings.TrimSpace(p.ApprovedAt + "  " + p.ApprovedBy)},
		{d.t("Review", "评审"), fmt.Sprintf(d.t("every %d months; next %s", "每 %d 个月；下次 %s"), p.ReviewMonths, p.NextReview)},
		{d.t("Forecast horizon", "预测期"), fmt.Sprintf(d.t("%d days", "%d 天"), p.HorizonDays)},
		{d.t("Classification", "密级"), p.Classification},
		{d.t("Figures as of", "数据截至"), d.opt.AsOf.Format("2006-01-02 15:04 MST")},
	})
	reviews := make([][]string, len(cp.Reviews))
	for i, r := range cp.Reviews {
		reviews[i] = []string{r.At, r.By, d.reviewOutcome(r.Outcome), r.Notes}
	}
	d.revisionsAndCopies(cp.Revisions, capacity.FirstDraft, cp.Distribution)
	d.heading(d.t("Reviews", "评审记录"), 2)
	d.table([]string{d.t("Date", "日期"), d.t("Reviewer", "评审人"), d.t("Outcome", "结论"), d.t("Notes", "说明")},
		[]float64{14, 20, 14, 52}, "LLLL", reviews, nil)

	for _, sec := range p.Sections() {
		d.heading(d.word(sec.Title), 1)
		d.paragraph(*sec.Text)
	}
	d.capacityResources(cp)
	d.capacityUpgrades(cp)
	d.heading(d.t("Checks", "检查"), 1)
	findings := capacity.CheckPlan(p, cp.Resources, cp.Forecasts)
	rows := make([][]string, len(findings))
	for i, f := range findings {
		m := f.Msg
		if sec, ok := m.Args["Section"].(string); ok { // the section in the document's language too
			m = store.Msg{Key: m.Key, Args: maps.Clone(m.Args)}
			m.Args["Section"] = d.word(sec)
		}
		rows[i] = []string{d.severity(f.Severity), d.msg(m)}
	}
	if len(rows) == 0 {
		d.paragraph(d.t("No problems found.", "未发现问题。"))
	} else {
		d.table([]string{d.t("Severity", "级别"), d.t("Finding", "发现")}, []float64{14, 86}, "LL", rows,
			func(i int) bool { return findings[i].Severity == "error" })
	}
	d.draft = false
}

func (d *pdfDoc) reviewOutcome(o string) string {
	if o == capacity.ReviewUpdate {
		return d.t("must be updated", "需要修订")
	}
	return d.t("adequate", "仍然适用")
}

func (d *pdfDoc) severity(s string) string {
	if s == "error" {
		return d.t("error", "错误")
	}
	return d.t("warning", "警告")
}

func (d *pdfDoc) upgradeStatus(s string) string {
	if s == "cancelled" {
		return d.t("cancelled", "已取消")
	}
	return d.t("planned", "已计划")
}

// reachText is when a threshold is reached, in the document's language.
func (d *pdfDoc) reachText(r capacity.Reach, horizonDays int) string {
	switch {
	case r.Already:
		return d.t("already reached", "已达到")
	case r.Never:
		return fmt.Sprintf(d.t("not within %d days", "%d天内不会达到"), horizonDays)
	}
	days := int(r.In.Hours()/24 + 0.5)
	return fmt.Sprintf(d.t("in %d days, about %s", "%d 天后，约 %s"), days, r.At.Format(time.DateOnly))
}

func (d *pdfDoc) capacityResources(cp CapacityPlan) {
	d.heading(d.t("Resources, headroom and time to threshold", "资源、余量与触及阈值的时间"), 1)
	byName := map[string]capacity.ResourceForecast{}
	for _, f := range cp.Forecasts {
		byName[f.Name] = f
	}
	rows := make([][]string, len(cp.Resources))
	breach := make([]bool, len(cp.Resources))
	for i, r := range cp.Resources {
		f, ok := byName[r.Name]
		latest, headroom, method, warn, crit := "—", "—", d.t("too few samples to forecast", "样本太少，无法预测"), "—", "—"
		if ok {
			last := f.Series.Values[len(f.Series.Values)-1]
			latest = usageText(last) + " " + r.Unit
			headroom = usageText(r.Usable()-last) + " " + r.Unit
			method = d.word(capacity.MethodWords(f.Method, f.Season)) + "\nRMSE " + usageText(f.RMSE)
			if !math.IsNaN(f.MAPE) {
				method += fmt.Sprintf(", MAPE %.1f %%", f.MAPE)
			}
			warn, crit = d.reachText(f.ToWarning, cp.HorizonDays), d.reachText(f.ToCritical, cp.HorizonDays)
			breach[i] = len(f.Upgrades) == 0 && !f.ToWarning.Never
			if breach[i] {
				warn += d.t("; no upgrade planned", "；未计划扩容")
			}
		}
		rows[i] = []string{r.Name + "\n" + r.CIRef + " " + r.CIName, usageText(r.Capacity) + " " + r.Unit + "\n" +
			d.t("usable ", "可用 ") + usageText(r.Usable()), latest, headroom, method, warn, crit}
	}
	d.table([]string{d.t("Resource", "资源"), d.t("Capacity", "容量"), d.t("Latest", "最新值"), d.t("Headroom", "余量"),
		d.t("Forecast", "预测方法"), d.t("Warning reached", "达到警告阈值"), d.t("Critical reached", "达到严重阈值")},
		[]float64{23, 13, 10, 11, 17, 14, 12}, "LRRRLLL", rows, nil)
	d.paragraph(d.t("Headroom is the usable capacity (capacity less the buffer and the HA reserve) less the latest value. Times are from the latest sample; planned upgrades raise the thresholds from their dates.",
		"余量＝可用容量（容量减去缓冲与高可用预留）减去最新值。时间自最新样本起算；计划扩容自其日期起提高阈值。"))
	for _, r := range cp.Resources {
		f, ok := byName[r.Name]
		if !ok {
			continue
		}
		if d.GetY()+68 > d.pageBottom() {
			d.AddPage() // the resource's name stays with its chart
		}
		d.heading(r.Name+"  ("+r.CIRef+" "+r.CIName+")", 2)
		d.forecastChart(f, 48)
	}
}

// forecastOrange draws a forecast, apart from the amber of the warning line.
var forecastOrange = rgb{205, 95, 30}

// usageText writes a measured value as people read one: 60,000; 157.4;
// 0.25.
func usageText(v float64) string {
	switch a := math.Abs(v); {
	case a >= 10000:
		return budget.Money(math.Round(v)).Format(0) // Format groups thousands
	case a >= 1000:
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case a >= 10:
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// forecastChart draws a resource's recent history, the forecast with its
// 95 % range, the warning and critical lines (rising at planned upgrades,
// which are marked), month ticks under the time axis and the unit on the
// value axis. It takes h plus the axis labels and legend from the current
// position and moves below.
func (d *pdfDoc) forecastChart(f capacity.ResourceForecast, h float64) {
	history := f.Series.Values
	from := max(0, len(history)-max(len(f.Mean), 90)) // as much history as forecast, at least 90 steps
	shown := history[from:]
	steps := len(shown) + len(f.Mean)
	start, end := f.Series.At(from), f.At(len(f.Mean)-1)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range shown {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	for i := range f.Mean {
		lo, hi = math.Min(lo, f.Lower[i]), math.Max(hi, f.Upper[i])
	}
	top := f.CapacityAt(end)
	for _, v := range shown {
		top = math.Max(top, v)
	}
	// A wide range far above capacity would flatten what matters: the
	// scale stops a quarter above the capacity (or the highest sample),
	// and the band is cut there.
	hi = math.Min(math.Max(hi, f.Critical*f.CapacityAt(end)/f.Capacity), top*1.25)
	lo = math.Min(lo, f.Warning)
	lo, hi, step := niceScale(math.Max(0, lo), hi)
	left := d.lMargin() + 18
	w := d.contentWidth() - 18 - 30
	y := d.GetY() + 2
	place := d.chartFrame(left, y, w, h, lo, hi, step, func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) })
	x := func(t time.Time) float64 { return left + float64(t.Sub(start))/float64(end.Sub(start))*w }
	clip := func(v float64) float64 { return math.Max(lo, math.Min(hi, v)) }
	// The 95 % range as a filled band under the lines.
	d.SetFillColor(250, 222, 180)
	for i := range f.Mean {
		x0, x1 := x(f.At(i))-w/float64(steps)/2, x(f.At(i))+w/float64(steps)/2
		top, bottom := place(clip(f.Upper[i])), place(clip(f.Lower[i]))
		d.Rect(x0, top, x1-x0, bottom-top, "F")
	}
	d.SetLineWidth(0.35)
	d.SetDrawColor(chartBlue[0], chartBlue[1], chartBlue[2])
	for i := 1; i < len(shown); i++ {
		d.Line(x(f.Series.At(from+i-1)), place(clip(shown[i-1])), x(f.Series.At(from+i)), place(clip(shown[i])))
	}
	d.SetDrawColor(forecastOrange[0], forecastOrange[1], forecastOrange[2])
	prevT, prevV := f.Series.At(len(history)-1), history[len(history)-1]
	for i, v := range f.Mean {
		d.Line(x(prevT), place(clip(prevV)), x(f.At(i)), place(clip(v)))
		prevT, prevV = f.At(i), v
	}
	// Thresholds, stepping up where an upgrade adds capacity.
	changes := []time.Time{start}
	for _, u := range f.Upgrades {
		if u.Planned.After(start) && u.Planned.Before(end) {
			changes = append(changes, u.Planned)
		}
	}
	d.SetFont(fontName, "", 7)
	for _, t := range []struct {
		label  string
		value  float64
		colour rgb
	}{{d.t("warning", "警告"), f.Warning, chartAmber}, {d.t("critical", "严重"), f.Critical, chartRed}} {
		d.SetDrawColor(t.colour[0], t.colour[1], t.colour[2])
		d.SetDashPattern([]float64{1.2, 0.8}, 0)
		var v float64
		for i, c := range changes {
			next := end
			if i+1 < len(changes) {
				next = changes[i+1]
			}
			v = t.value * f.CapacityAt(c) / f.Capacity
			d.Line(x(c), place(clip(v)), x(next), place(clip(v)))
		}
		d.SetDashPattern(nil, 0)
		d.SetTextColor(t.colour[0], t.colour[1], t.colour[2])
		d.Text(left+w+1.5, place(clip(v))+1, t.label+" "+usageText(v))
	}
	d.SetTextColor(0, 0, 0)
	for _, u := range f.Upgrades {
		if !u.Planned.After(start) || u.Planned.After(end) {
			continue
		}
		d.SetDrawColor(chartGreen[0], chartGreen[1], chartGreen[2])
		d.SetLineWidth(0.5)
		d.Line(x(u.Planned), y, x(u.Planned), y+h)
		d.SetTextColor(chartGreen[0], chartGreen[1], chartGreen[2])
		d.Text(x(u.Planned)+1, y+3, fmt.Sprintf("+%s %s %s", usageText(u.Adds), f.Unit, u.Planned.Format("01-02")))
		d.SetTextColor(0, 0, 0)
	}
	d.SetLineWidth(0.2)
	// A tick at each month's start (each quarter's over 18 months).
	d.SetFont(fontName, "", 6.5)
	d.SetDrawColor(120, 120, 120)
	every := 1
	if end.Sub(start) > 548*24*time.Hour {
		every = 3
	}
	first := time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, start.Location())
	for every == 3 && (first.Month()-1)%3 != 0 {
		first = first.AddDate(0, 1, 0)
	}
	for m := first; !m.After(end); m = m.AddDate(0, every, 0) {
		px := x(m)
		d.Line(px, y+h, px, y+h+1)
		label := m.Format("2006-01")
		d.Text(px-d.GetStringWidth(label)/2, y+h+3.8, label)
	}
	d.SetFont(fontName, "", 7)
	d.Text(left-16, y-1.5, f.Unit)
	today := x(f.Series.At(len(history) - 1))
	d.SetDrawColor(150, 150, 150)
	d.Line(today, y, today, y+h)
	d.legend(left, y+h+8, []series{{label: d.t("measured", "实测"), colour: chartBlue}, {label: d.t("forecast", "预测"), colour: forecastOrange},
		{label: d.t("95 % range", "95% 区间"), colour: rgb{250, 222, 180}}, {label: d.t("warning", "警告阈值"), colour: chartAmber}, {label: d.t("critical", "严重阈值"), colour: chartRed},
		{label: d.t("planned upgrade", "计划扩容"), colour: chartGreen}})
	d.SetY(y + h + 12)
}

func (d *pdfDoc) capacityUpgrades(cp CapacityPlan) {
	d.heading(d.t("Planned upgrades and their costs", "计划扩容及费用"), 1)
	rows := make([][]string, len(cp.Upgrades))
	var total budget.Money
	for i, u := range cp.Upgrades {
		line := "—"
		if u.BudgetLine != 0 {
			line = strconv.FormatInt(u.BudgetLine, 10)
		}
		rows[i] = []string{u.Planned.Format(time.DateOnly), u.Resource, "+" + usageText(u.Adds), u.Cost.Format(2), u.Supplier,
			u.ServiceRef, d.upgradeStatus(u.Status), line}
		if u.Status == "planned" {
			total += u.Cost
		}
	}
	d.table([]string{d.t("Date", "日期"), d.t("Resource", "资源"), d.t("Adds", "增加"), d.t("Cost ¥", "费用 ¥"), d.t("Supplier", "供应商"),
		d.t("Budget of", "预算归属"), d.t("Status", "状态"), d.t("Budget line", "预算行")},
		[]float64{12, 19, 8, 12, 17, 11, 12, 9}, "LLRRLLLR", rows, nil)
	if len(cp.Upgrades) > 0 {
		d.paragraph(fmt.Sprintf(d.t("Planned upgrades cost %s in all; each with a cost has a line in the service's budget for the year of its date.",
			"计划扩容合计 %s；有费用的扩容均已在其日期所在年度的服务预算中列支。"), total.Format(2)))
	}
}
