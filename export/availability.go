package export

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"servicebook/continuity"
	"servicebook/store"
)

// AvailabilityReport is what the availability report prints: every
// targeted service over a period, each service's last twelve months, and
// the outages of the period.
type AvailabilityReport struct {
	Period  string
	Results []continuity.ServiceAvailability
	Months  []string                                    // the twelve months of the trend, oldest first
	Trend   map[string][]continuity.ServiceAvailability // by service reference, one per month of Months
	Outages []continuity.OutageRecord
}

// LoadAvailabilityReport computes the report for period (2026-10, 2026-Q4,
// 2026) as it stood at asOf: a period not ended by then is counted to
// asOf only, and says so.
func LoadAvailabilityReport(ctx context.Context, cs *continuity.Store, period string, asOf time.Time) (AvailabilityReport, error) {
	rep := AvailabilityReport{Period: period, Trend: map[string][]continuity.ServiceAvailability{}}
	var err error
	if rep.Results, err = cs.AvailabilityAt(ctx, period, "", asOf); err != nil {
		return rep, err
	}
	if len(rep.Results) == 0 {
		return rep, store.Errorf(store.EInvalid, "No service has an availability target; set one first.")
	}
	span := rep.Results[0].Period.Interval
	for _, r := range rep.Results[1:] {
		if r.Period.Start.Before(span.Start) {
			span.Start = r.Period.Start
		}
		if r.Period.End.After(span.End) {
			span.End = r.Period.End
		}
	}
	last := span.End.Add(-time.Nanosecond)
	if last.After(asOf) {
		last = asOf
	}
	last = last.In(rep.Results[0].Period.Start.Location())
	for back := 11; back >= 0; back-- {
		month := time.Date(last.Year(), last.Month()-time.Month(back), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		results, err := cs.AvailabilityAt(ctx, month, "", asOf)
		if err != nil {
			return rep, fmt.Errorf("availability of %s: %w", month, err)
		}
		rep.Months = append(rep.Months, month)
		for _, r := range results {
			rep.Trend[r.ServiceRef] = append(rep.Trend[r.ServiceRef], r)
		}
	}
	if rep.Outages, err = cs.Outages(ctx, "", span); err != nil {
		return rep, err
	}
	return rep, nil
}

// AvailabilityPDF writes the availability report to path.
func AvailabilityPDF(path string, rep AvailabilityReport, opt PDFOptions) error {
	data, err := AvailabilityPDFBytes(rep, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// AvailabilityPDFBytes is AvailabilityPDF into memory: a summary table and
// chart against the targets, each service's twelve months as a line, and
// the outages of the period.
func AvailabilityPDFBytes(rep AvailabilityReport, opt PDFOptions) ([]byte, error) {
	d := newPDF(opt)
	title := d.t("Service availability report", "服务可用性报告") + " — " + rep.Period
	d.SetTitle(title, true)
	d.title, d.docNumber = title, title
	d.classification = d.t("Internal use", "内部使用")
	d.AddPage()
	d.heading(title, 0)
	toDate := false
	for _, r := range rep.Results {
		toDate = toDate || r.ToDate
	}
	note := d.t("Availability is agreed service time without unplanned downtime, in each service's hours and time zone.",
		"可用性＝约定服务时间中未发生计划外停机的比例，按各服务自己的服务时间和时区计算。")
	if toDate {
		note += " " + fmt.Sprintf(d.t("The period has not ended: every figure is to date, up to %s.", "统计期尚未结束：所有数字均为截至 %s 的数据。"),
			opt.AsOf.Format("2006-01-02 15:04 MST"))
	}
	d.fields([][2]string{{d.t("Period", "统计期"), rep.Period}, {d.t("As of", "截至"), opt.AsOf.Format("2006-01-02 15:04 MST")}})
	d.paragraph(note)

	d.heading(d.t("Against the targets", "目标达成情况"), 1)
	rows := make([][]string, len(rep.Results))
	labels := make([]string, len(rep.Results))
	values := make([]float64, len(rep.Results))
	targets := make([]float64, len(rep.Results))
	lo := 100.0
	for i, r := range rep.Results {
		met := d.t("met", "达标")
		if !r.Met {
			met = d.t("MISSED", "未达标")
		}
		rows[i] = []string{r.ServiceRef + "\n" + r.ServiceName, percentNumber(r.Target.Percent), percentNumber(r.Availability), met,
			hoursText(r.Downtime), strconv.Itoa(r.Outages), hoursText(r.MTRS), hoursText(r.MTBF), percentNumber(r.Derived), strconv.Itoa(r.Uninvestigated)}
		labels[i], values[i], targets[i] = r.ServiceName, r.Availability, r.Target.Percent
		lo = math.Min(lo, math.Min(r.Availability, r.Target.Percent))
	}
	d.table([]string{d.t("Service", "服务"), d.t("Target %", "目标 %"), d.t("Availability %", "可用性 %"), d.t("Result", "结果"),
		d.t("Downtime", "停机"), d.t("Outages", "中断"), d.t("MTRS", "平均恢复"), d.t("MTBF", "平均无故障"), d.t("From CIs %", "按配置项推算 %"), d.t("Not investigated", "未调查")},
		[]float64{19, 10, 11, 8, 10, 8, 8, 9, 10, 9}, "LRRLRRRRRR", rows, func(i int) bool { return !rep.Results[i].Met })
	lo, _, _ = niceScale(math.Max(0, lo-0.2), 100)
	d.targetBars(labels, values, targets, lo, 100, func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "%" }, percent)
	d.paragraph(d.t("Bars: availability (green when the target is met, red when not); black tick: the target.",
		"条形：可用性（达标为绿色，未达标为红色）；黑色竖线：目标。"))

	if d.GetY()+70 > d.pageBottom() {
		d.AddPage()
	}
	d.heading(d.t("Twelve months", "近十二个月"), 1)
	short := make([]string, len(rep.Months))
	for i, m := range rep.Months {
		short[i] = m[2:]
	}
	for _, r := range rep.Results {
		trend := rep.Trend[r.ServiceRef]
		avail := series{label: d.t("availability %", "可用性 %"), colour: chartBlue}
		target := series{label: d.t("target %", "目标 %"), colour: chartGrey}
		for _, m := range trend {
			avail.values = append(avail.values, m.Availability)
			target.values = append(target.values, m.Target.Percent)
		}
		if d.GetY()+52 > d.pageBottom() {
			d.AddPage() // the service's name stays with its chart
		}
		d.heading(r.ServiceRef+"  "+r.ServiceName, 2)
		d.columnChart(32, short, nil, []series{avail, target}, func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) })
	}

	d.heading(d.t("Outages in the period", "统计期内的中断"), 1)
	outRows := make([][]string, len(rep.Outages))
	for i, o := range rep.Outages {
		kind := d.t("unplanned", "计划外")
		if o.Planned {
			kind = d.t("planned", "计划内")
		}
		if o.Partial {
			kind += d.t(", partial", "，部分")
		}
		end, took := d.t("still open", "尚未恢复"), "—"
		if !o.End.IsZero() {
			end, took = o.End.In(opt.zone()).Format("01-02 15:04"), hoursText(o.End.Sub(o.Start))
		}
		outRows[i] = []string{o.ServiceRef + "\n" + o.ServiceName, o.Start.In(opt.zone()).Format("2006-01-02 15:04"), end, took, kind,
			o.CauseRef, o.Description, d.word(o.Investigation)}
	}
	d.table([]string{d.t("Service", "服务"), d.t("Start", "开始"), d.t("End", "结束"), d.t("Took", "历时"), d.t("Kind", "类型"),
		d.t("Cause CI", "原因配置项"), d.t("Description", "描述"), d.t("Investigation", "调查")},
		[]float64{18, 14, 10, 7, 11, 11, 20, 9}, "LLLRLLLL", outRows, nil)
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, fmt.Errorf("cannot write the availability report: %w", err)
	}
	return buf.Bytes(), nil
}

// percent writes a percentage to three decimals, as availability is agreed.
func percent(v float64) string { return percentNumber(v) + "%" }

// percentNumber is percent without the sign, for a column whose header
// carries it.
func percentNumber(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

// hoursText writes a duration in hours and minutes: 1h 05m; none is "—".
func hoursText(v time.Duration) string {
	if v <= 0 {
		return "—"
	}
	v = v.Round(time.Minute)
	h, m := int(v.Hours()), int(v.Minutes())%60
	if h == 0 {
		return strconv.Itoa(m) + "m"
	}
	return fmt.Sprintf("%dh %02dm", h, m)
}

// zone is where the report's times are written: the time zone of "as of".
func (o PDFOptions) zone() *time.Location {
	if o.AsOf.Location() != nil {
		return o.AsOf.Location()
	}
	return time.UTC
}
