package continuity

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	shanghai, _ = time.LoadLocation("Asia/Shanghai")
	berlin, _   = time.LoadLocation("Europe/Berlin")
)

func at(loc *time.Location, y, mo, d, h, mi int) time.Time {
	return time.Date(y, time.Month(mo), d, h, mi, 0, 0, loc)
}

func mustPeriod(t testing.TB, text string, loc *time.Location) Period {
	t.Helper()
	p, err := ParsePeriod(text, loc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustHours(t testing.TB, text string, zone string) ServiceHours {
	t.Helper()
	h, err := ParseServiceHours(text, zone)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.0005 }

// The figures below are worked out by hand in the comments.
func TestComputeAvailability(t *testing.T) {
	oct := mustPeriod(t, "2026-10", shanghai)
	allDay := AroundTheClock(shanghai)
	weekdays := mustHours(t, "weekdays 08:00-18:00", "Asia/Shanghai")
	now := at(shanghai, 2026, 11, 5, 0, 0)
	cases := []struct {
		name     string
		hours    ServiceHours
		span     Interval
		outages  []Outage
		policy   PlannedPolicy
		target   float64
		agreed   time.Duration
		downtime time.Duration
		avail    float64
		met      bool
		outCount int
	}{
		{
			// October: 31 × 24 = 744 h; 2 h down → 742/744 = 99.7312 %.
			name: "7x24 month, one outage", hours: allDay, span: oct.Interval, target: 99.9,
			outages: []Outage{{Start: at(shanghai, 2026, 10, 10, 3, 0), End: at(shanghai, 2026, 10, 10, 5, 0)}},
			agreed:  744 * time.Hour, downtime: 2 * time.Hour, avail: 99.7312, met: false, outCount: 1,
		},
		{
			// October 2026 starts on a Thursday: 2 + 4×5 = 22 weekdays × 10 h = 220 h.
			// Thu 17:00 → Fri 09:30 counts 17–18 and 08–09:30: 2.5 h → 217.5/220 = 98.8636 %.
			name: "weekday hours, outage across midnight", hours: weekdays, span: oct.Interval, target: 99,
			outages: []Outage{{Start: at(shanghai, 2026, 10, 15, 17, 0), End: at(shanghai, 2026, 10, 16, 9, 30)}},
			agreed:  220 * time.Hour, downtime: 150 * time.Minute, avail: 98.8636, met: false, outCount: 1,
		},
		{
			name: "outage outside service hours (a Saturday)", hours: weekdays, span: oct.Interval, target: 99,
			outages: []Outage{{Start: at(shanghai, 2026, 10, 17, 10, 0), End: at(shanghai, 2026, 10, 17, 12, 0)}},
			agreed:  220 * time.Hour, downtime: 0, avail: 100, met: true, outCount: 0,
		},
		{
			// 10–12 and 11–13 overlap: 3 h, not 4, and one outage, not two
			// (two records of one event must not halve the MTRS).
			name: "overlapping outages counted once", hours: allDay, span: oct.Interval, target: 99,
			outages: []Outage{
				{Start: at(shanghai, 2026, 10, 20, 10, 0), End: at(shanghai, 2026, 10, 20, 12, 0)},
				{Start: at(shanghai, 2026, 10, 20, 11, 0), End: at(shanghai, 2026, 10, 20, 13, 0)},
			},
			agreed: 744 * time.Hour, downtime: 3 * time.Hour, avail: 99.5968, met: true, outCount: 1,
		},
		{
			// Planned 4 h excluded from agreed time (740 h); the unplanned 2 h
			// overlap it by 1 h, so 1 h is downtime: 739/740 = 99.8649 %.
			name: "planned downtime excluded", hours: allDay, span: oct.Interval, target: 99.9, policy: PlannedExcluded,
			outages: []Outage{
				{Start: at(shanghai, 2026, 10, 3, 0, 0), End: at(shanghai, 2026, 10, 3, 4, 0), Planned: true},
				{Start: at(shanghai, 2026, 10, 3, 3, 0), End: at(shanghai, 2026, 10, 3, 5, 0)},
			},
			agreed: 740 * time.Hour, downtime: time.Hour, avail: 99.8649, met: false, outCount: 1,
		},
		{
			// The same outages counted: union 00:00–05:00 = 5 h of 744: 99.3280 %.
			name: "planned downtime counted", hours: allDay, span: oct.Interval, target: 99, policy: PlannedCounted,
			outages: []Outage{
				{Start: at(shanghai, 2026, 10, 3, 0, 0), End: at(shanghai, 2026, 10, 3, 4, 0), Planned: true},
				{Start: at(shanghai, 2026, 10, 3, 3, 0), End: at(shanghai, 2026, 10, 3, 5, 0)},
			},
			agreed: 744 * time.Hour, downtime: 5 * time.Hour, avail: 99.3280, met: true, outCount: 1,
		},
		{
			// Still open: it lasts until the end of the period, 2 h.
			name: "open outage clipped to the period", hours: allDay, span: oct.Interval, target: 99,
			outages: []Outage{{Start: at(shanghai, 2026, 10, 31, 22, 0)}},
			agreed:  744 * time.Hour, downtime: 2 * time.Hour, avail: 99.7312, met: true, outCount: 1,
		},
		{
			name: "partial outage is degraded, not down", hours: allDay, span: oct.Interval, target: 99.9,
			outages: []Outage{{Start: at(shanghai, 2026, 10, 8, 9, 0), End: at(shanghai, 2026, 10, 8, 12, 0), Partial: true}},
			agreed:  744 * time.Hour, downtime: 0, avail: 100, met: true, outCount: 0,
		},
		{
			name: "no agreed time at all (a Saturday)", hours: weekdays,
			span: Interval{at(shanghai, 2026, 10, 17, 0, 0), at(shanghai, 2026, 10, 18, 0, 0)}, target: 99.9,
			agreed: 0, downtime: 0, avail: 100, met: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Compute(c.span, c.hours, c.outages, c.policy, c.target, now)
			if r.Agreed != c.agreed || r.Downtime != c.downtime || !near(r.Availability, c.avail) || r.Met != c.met || r.Outages != c.outCount {
				t.Errorf("got agreed %v, down %v, %.4f %%, met %v, %d outages; want %v, %v, %.4f %%, %v, %d",
					r.Agreed, r.Downtime, r.Availability, r.Met, r.Outages, c.agreed, c.downtime, c.avail, c.met, c.outCount)
			}
		})
	}
}

func TestOutageAcrossPeriodBoundaryIsSplit(t *testing.T) {
	sep := mustPeriod(t, "2026-09", time.UTC)
	oct := mustPeriod(t, "2026-10", time.UTC)
	o := []Outage{{Start: time.Date(2026, 9, 30, 23, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 1, 1, 30, 0, 0, time.UTC)}}
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	a := Compute(sep.Interval, AroundTheClock(time.UTC), o, PlannedExcluded, 99, now)
	b := Compute(oct.Interval, AroundTheClock(time.UTC), o, PlannedExcluded, 99, now)
	if a.Downtime != time.Hour || b.Downtime != 90*time.Minute {
		t.Errorf("September %v, October %v; want 1h and 1h30m", a.Downtime, b.Downtime)
	}
}

func TestDaylightSavingChanges(t *testing.T) {
	// Berlin: 29 March 2026 has 23 hours, 25 October 2026 has 25.
	mar := mustPeriod(t, "2026-03", berlin)
	oct := mustPeriod(t, "2026-10", berlin)
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if r := Compute(mar.Interval, AroundTheClock(berlin), nil, PlannedExcluded, 99, now); r.Agreed != 743*time.Hour {
		t.Errorf("March agreed %v, want 743h", r.Agreed)
	}
	if r := Compute(oct.Interval, AroundTheClock(berlin), nil, PlannedExcluded, 99, now); r.Agreed != 745*time.Hour {
		t.Errorf("October agreed %v, want 745h", r.Agreed)
	}
	// Daily 08:00–18:00 is ten hours on both change days.
	daily := mustHours(t, "daily 08:00-18:00", "Europe/Berlin")
	for _, d := range []int{29} {
		day := Interval{at(berlin, 2026, 3, d, 0, 0), at(berlin, 2026, 3, d+1, 0, 0)}
		if got := total(daily.Windows(day)); got != 10*time.Hour {
			t.Errorf("29 March: %v of service, want 10h", got)
		}
	}
	day := Interval{at(berlin, 2026, 10, 25, 0, 0), at(berlin, 2026, 10, 26, 0, 0)}
	if got := total(daily.Windows(day)); got != 10*time.Hour {
		t.Errorf("25 October: %v of service, want 10h", got)
	}
	// An outage over the October change, 01:30 to 03:30 local, lasts 3 real hours.
	o := []Outage{{Start: time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC), End: time.Date(2026, 10, 25, 2, 30, 0, 0, time.UTC)}}
	if r := Compute(oct.Interval, AroundTheClock(berlin), o, PlannedExcluded, 99, now); r.Downtime != 3*time.Hour {
		t.Errorf("outage over the DST change: %v, want 3h", r.Downtime)
	}
}

func TestMTBFAndMTRSAndErrorBudget(t *testing.T) {
	oct := mustPeriod(t, "2026-10", time.UTC)
	o := []Outage{
		{Start: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 5, 1, 0, 0, 0, time.UTC)},
		{Start: time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 20, 3, 0, 0, 0, time.UTC)},
	}
	r := Compute(oct.Interval, AroundTheClock(time.UTC), o, PlannedExcluded, 99.9, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	// 4 h down in 2 outages: MTRS 2 h; up 740 h over 2 failures: MTBF 370 h.
	// The target allows 0.1 % of 744 h = 44m38.4s; 4 h were used.
	if r.MTRS != 2*time.Hour || r.MTBF != 370*time.Hour {
		t.Errorf("MTRS %v, MTBF %v", r.MTRS, r.MTBF)
	}
	if want := time.Duration(float64(744*time.Hour)*0.001) - 4*time.Hour; (r.ErrorBudget - want).Abs() > time.Millisecond {
		t.Errorf("error budget %v, want %v", r.ErrorBudget, want)
	}
}

func TestCombineAndDerive(t *testing.T) {
	cases := []struct {
		deps []Dependency
		want float64
	}{
		{nil, 1},
		{[]Dependency{{0.99, ""}, {0.98, ""}}, 0.9702},
		{[]Dependency{{0.9, "g"}, {0.9, "g"}}, 0.99},
		{[]Dependency{{0.999, ""}, {0.9, "db"}, {0.9, "db"}, {0.8, "net"}, {0.8, "net"}}, 0.999 * 0.99 * 0.96},
	}
	for _, c := range cases {
		if got := Combine(c.deps); !near(got, c.want) {
			t.Errorf("Combine(%v) = %.5f, want %.5f", c.deps, got, c.want)
		}
	}
	// 1 needs 2; 2 runs on 3 or 4; 4 depends back on 1 (a cycle).
	deps := map[int64][]DependencyOn{1: {{2, ""}}, 2: {{3, "c"}, {4, "c"}}, 4: {{1, ""}}}
	own := map[int64]float64{1: 1, 2: 0.999, 3: 0.99, 4: 0.99}
	got := Derive(1, func(id int64) float64 { return own[id] }, func(id int64) []DependencyOn { return deps[id] })
	// 4's dependency on 1 closes the cycle and counts as 1: A(4)=0.99,
	// A(2) = 0.999 × (1 − 0.01 × 0.01) = 0.9989001.
	if !near(got, 0.9989001) {
		t.Errorf("Derive = %.7f", got)
	}
}

func TestParseServiceHours(t *testing.T) {
	good := []struct {
		text     string
		allDay   bool
		from, to time.Duration
		saturday bool
	}{
		{"7×24", true, 0, 0, false},
		{"7x24", true, 0, 0, false},
		{"24/7", true, 0, 0, false},
		{"weekdays 08:00-18:00", false, 8 * time.Hour, 18 * time.Hour, false},
		{"工作日 08:00–18:00", false, 8 * time.Hour, 18 * time.Hour, false},
		{"周一至周六 08:30至17:30", false, 8*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute, true},
		{"Mon-Sat 08:30-17:30", false, 8*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute, true},
		{"daily 00:00-24:00", false, 0, 24 * time.Hour, true},
	}
	for _, g := range good {
		h, err := ParseServiceHours(g.text, "Asia/Shanghai")
		if err != nil {
			t.Errorf("%q: %v", g.text, err)
			continue
		}
		if h.AllDay != g.allDay || h.From != g.from || h.To != g.to || (!h.AllDay && h.Days[time.Saturday] != g.saturday) {
			t.Errorf("%q = %+v", g.text, h)
		}
	}
	bad := map[string]string{
		"sometimes":            "are not service hours",
		"weekdays 18:00-08:00": "end after they start",
		"weekdays 25:00-26:00": "not a time of day",
		"Sundays 08:00-10:00":  "the days must be one of",
	}
	for text, want := range bad {
		if _, err := ParseServiceHours(text, "Asia/Shanghai"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
	if _, err := ParseServiceHours("7x24", "Mars/Olympus"); err == nil || !strings.Contains(err.Error(), "not a time zone") {
		t.Errorf("bad zone: %v", err)
	}
}

func TestParsePeriod(t *testing.T) {
	cases := map[string][2]time.Time{
		"2026-10": {at(shanghai, 2026, 10, 1, 0, 0), at(shanghai, 2026, 11, 1, 0, 0)},
		"2026-Q4": {at(shanghai, 2026, 10, 1, 0, 0), at(shanghai, 2027, 1, 1, 0, 0)},
		"2026q1":  {at(shanghai, 2026, 1, 1, 0, 0), at(shanghai, 2026, 4, 1, 0, 0)},
		"2026":    {at(shanghai, 2026, 1, 1, 0, 0), at(shanghai, 2027, 1, 1, 0, 0)},
	}
	for text, want := range cases {
		p, err := ParsePeriod(text, shanghai)
		if err != nil || !p.Start.Equal(want[0]) || !p.End.Equal(want[1]) {
			t.Errorf("%q = %v–%v, %v", text, p.Start, p.End, err)
		}
	}
	for _, text := range []string{"2026-13", "Oct 2026", "2026-Q5", ""} {
		if _, err := ParsePeriod(text, shanghai); err == nil {
			t.Errorf("%q accepted", text)
		}
	}
}

func TestCriticalPath(t *testing.T) {
	m := time.Minute
	steps := []Step{
		{ID: 1, Duration: 30 * m},
		{ID: 2, Duration: 60 * m, DependsOn: []int64{1}},
		{ID: 3, Duration: 20 * m, DependsOn: []int64{1}},
		{ID: 4, Duration: 10 * m, DependsOn: []int64{2, 3}},
		{ID: 5, Duration: 15 * m}, // in parallel with everything
	}
	d, path, err := CriticalPath(steps)
	if err != nil || d != 100*m || !reflect.DeepEqual(path, []int64{1, 2, 4}) {
		t.Errorf("critical path %v %v %v; want 100m via 1, 2, 4", d, path, err)
	}
	if _, _, err := CriticalPath([]Step{{ID: 1, DependsOn: []int64{2}}, {ID: 2, DependsOn: []int64{1}}}); err == nil || !strings.Contains(err.Error(), "circle") {
		t.Errorf("cycle: %v", err)
	}
	if _, _, err := CriticalPath([]Step{{ID: 1, DependsOn: []int64{9}}}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing step: %v", err)
	}
	if d, path, err := CriticalPath(nil); d != 0 || path != nil || err != nil {
		t.Errorf("no steps: %v %v %v", d, path, err)
	}
}

func FuzzParseServiceHours(f *testing.F) {
	for _, s := range []string{"7×24", "weekdays 08:00-18:00", "工作日 08:00–18:00", "daily 00:00-24:00", "x 99:99-00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		h, err := ParseServiceHours(text, "UTC")
		if err != nil {
			return
		}
		day := Interval{time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)}
		if got := total(h.Windows(day)); got < 0 || got > 7*24*time.Hour {
			t.Fatalf("%q gives %v in a week", text, got)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-10", "2026-Q4", "2026", "0000-00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := ParsePeriod(text, time.UTC)
		if err == nil && !p.End.After(p.Start) {
			t.Fatalf("%q gives an empty period", text)
		}
	})
}

// BenchmarkAvailability1000x10000: a year of availability for 1,000
// services with 10,000 outages between them (goal ≤ 200 ms).
func BenchmarkAvailability1000x10000(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	year, _ := ParsePeriod("2026", shanghai)
	hours := []ServiceHours{AroundTheClock(shanghai), mustHours(b, "weekdays 08:00-18:00", "Asia/Shanghai")}
	outages := make([][]Outage, 1000)
	for i := 0; i < 10000; i++ {
		start := year.Start.Add(time.Duration(r.Int64N(int64(year.Duration()))))
		outages[i%1000] = append(outages[i%1000], Outage{Start: start,
			End: start.Add(time.Duration(5+r.IntN(300)) * time.Minute), Planned: r.IntN(5) == 0})
	}
	now := year.End
	var met int
	for b.Loop() {
		met = 0
		for s := range 1000 {
			if Compute(year.Interval, hours[s%2], outages[s], PlannedExcluded, 99.9, now).Met {
				met++
			}
		}
	}
	b.ReportMetric(float64(met), "met")
}

// TestAvailabilityInsideAPeriod: a period that has not ended counts agreed
// time only up to now and says "to date"; the rest of the month is not
// time the service was up.
func TestAvailabilityInsideAPeriod(t *testing.T) {
	nov := mustPeriod(t, "2026-11", shanghai)
	now := at(shanghai, 2026, 11, 11, 0, 0) // ten days into November
	outage := []Outage{{Start: at(shanghai, 2026, 11, 3, 10, 0), End: at(shanghai, 2026, 11, 3, 12, 0)}}
	r := Compute(nov.Interval, AroundTheClock(shanghai), outage, PlannedExcluded, 99.9, now)
	// 10 days = 240 h agreed; 2 h down: 99.1667 %, missed.
	if !r.ToDate || !r.Until.Equal(now) || r.Agreed != 240*time.Hour || r.Downtime != 2*time.Hour || r.Met || !near(r.Availability, 99.16667) {
		t.Errorf("to date: %+v", r)
	}
	// The whole month in advance would have said 720 h and 99.72 %.
	if r := Compute(nov.Interval, AroundTheClock(shanghai), nil, PlannedExcluded, 99.9, now); r.Agreed != 240*time.Hour || r.Availability != 100 {
		t.Errorf("no outages to date: %+v", r)
	}
	// An open outage lasts until now, not until the end of the month.
	open := []Outage{{Start: at(shanghai, 2026, 11, 10, 0, 0)}}
	if r := Compute(nov.Interval, AroundTheClock(shanghai), open, PlannedExcluded, 99.9, now); r.Downtime != 24*time.Hour || r.Outages != 1 {
		t.Errorf("open outage: %+v", r)
	}
	// A period that has ended is not "to date".
	if r := Compute(mustPeriod(t, "2026-10", shanghai).Interval, AroundTheClock(shanghai), nil, PlannedExcluded, 99.9, now); r.ToDate || r.Agreed != 744*time.Hour {
		t.Errorf("October: %+v", r)
	}
}

// TestOverlappingOutagesCountOnce: two records of one outage (an import
// and a hand entry of the same event) give one outage, one MTRS.
func TestOverlappingOutagesCountOnce(t *testing.T) {
	oct := mustPeriod(t, "2026-10", shanghai)
	now := at(shanghai, 2026, 11, 5, 0, 0)
	o := []Outage{
		{Start: at(shanghai, 2026, 10, 10, 3, 0), End: at(shanghai, 2026, 10, 10, 5, 0)},
		{Start: at(shanghai, 2026, 10, 10, 4, 0), End: at(shanghai, 2026, 10, 10, 5, 10)},
		{Start: at(shanghai, 2026, 10, 20, 1, 0), End: at(shanghai, 2026, 10, 20, 2, 0)},
	}
	r := Compute(oct.Interval, AroundTheClock(shanghai), o, PlannedExcluded, 99.9, now)
	// Down 2 h 10 min + 1 h = 3 h 10 min in two outages: MTRS 1 h 35 min.
	if r.Outages != 2 || r.Downtime != 190*time.Minute || r.MTRS != 95*time.Minute {
		t.Errorf("overlapping outages: %d outages, %v down, MTRS %v", r.Outages, r.Downtime, r.MTRS)
	}
}
