// Package continuity holds service continuity and availability management
// (ISO/IEC 20000-1 2011 §6.3, 2018 §8.7.1–8.7.2): continuity plans and their
// executability, exercises, and availability measured against targets.
//
// This file and availability.go are the availability arithmetic: pure
// functions over time intervals, tested against hand-computed figures.
package continuity

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Interval is the half-open time span [Start, End).
type Interval struct {
	Start, End time.Time
}

// Duration returns how long the interval is (0 if it is empty or reversed).
func (iv Interval) Duration() time.Duration {
	if !iv.End.After(iv.Start) {
		return 0
	}
	return iv.End.Sub(iv.Start)
}

// ServiceHours says when a service is agreed to be available: around the
// clock (7×24) or on some weekdays between two wall-clock times in a named
// time zone. Wall-clock times make daylight-saving changes come out right:
// 08:00–18:00 is ten hours on every day, whatever the offset does.
type ServiceHours struct {
	Location *time.Location
	AllDay   bool
	Days     [7]bool       // indexed by time.Weekday
	From, To time.Duration // since local midnight; To may be 24h
}

// AroundTheClock is 7×24 service in loc.
func AroundTheClock(loc *time.Location) ServiceHours {
	return ServiceHours{Location: loc, AllDay: true}
}

var hoursPattern = regexp.MustCompile(`^(.*?)\s*(\d{1,2}):(\d{2})\s*[-–—~至到]\s*(\d{1,2}):(\d{2})$`)

var dayWords = map[string][7]bool{
	"":         {true, true, true, true, true, true, true},
	"daily":    {true, true, true, true, true, true, true},
	"每天":       {true, true, true, true, true, true, true},
	"weekdays": {false, true, true, true, true, true, false},
	"mon-fri":  {false, true, true, true, true, true, false},
	"工作日":      {false, true, true, true, true, true, false},
	"周一至周五":    {false, true, true, true, true, true, false},
	"mon-sat":  {false, true, true, true, true, true, true},
	"周一至周六":    {false, true, true, true, true, true, true},
}

// ParseServiceHours reads service hours as agreements write them: "7×24"
// (or 7x24, 24x7), "weekdays 08:00-18:00", "Mon-Sat 08:30-17:30",
// "工作日 08:00–18:00", "周一至周六 08:30–17:30", "daily 06:00-22:00", in the
// named IANA time zone (for example Asia/Shanghai).
func ParseServiceHours(text, zone string) (ServiceHours, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return ServiceHours{}, fmt.Errorf("%q is not a time zone; use a name such as Asia/Shanghai", zone)
	}
	t := strings.ToLower(strings.TrimSpace(text))
	t = strings.NewReplacer("×", "x", "*", "x", " ", " ").Replace(t)
	if t == "7x24" || t == "24x7" || t == "24/7" {
		return AroundTheClock(loc), nil
	}
	m := hoursPattern.FindStringSubmatch(t)
	if m == nil {
		return ServiceHours{}, fmt.Errorf("%q are not service hours; write 7×24 or, for example, weekdays 08:00-18:00", text)
	}
	days, ok := dayWords[strings.TrimSpace(m[1])]
	if !ok {
		return ServiceHours{}, fmt.Errorf("%q: the days must be one of daily, weekdays, Mon-Fri, Mon-Sat, 工作日, 周一至周五, 周一至周六", text)
	}
	clock := func(h, mm string) (time.Duration, error) {
		// Atoi, not Sscan: Sscan reads "08" as a bad octal number.
		hv, _ := strconv.Atoi(h)
		mv, _ := strconv.Atoi(mm)
		if hv > 24 || mv > 59 || hv == 24 && mv != 0 {
			return 0, fmt.Errorf("%s:%s is not a time of day", h, mm)
		}
		return time.Duration(hv)*time.Hour + time.Duration(mv)*time.Minute, nil
	}
	from, err := clock(m[2], m[3])
	if err != nil {
		return ServiceHours{}, err
	}
	to, err := clock(m[4], m[5])
	if err != nil {
		return ServiceHours{}, err
	}
	if to <= from {
		return ServiceHours{}, fmt.Errorf("%q: the hours must end after they start on the same day", text)
	}
	return ServiceHours{Location: loc, Days: days, From: from, To: to}, nil
}

// Windows returns the agreed service time inside span, as sorted,
// non-overlapping intervals.
func (h ServiceHours) Windows(span Interval) []Interval {
	if span.Duration() == 0 {
		return nil
	}
	if h.AllDay {
		return []Interval{span}
	}
	loc := h.Location
	if loc == nil {
		loc = time.UTC
	}
	var out []Interval
	start := span.Start.In(loc)
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	for !day.After(span.End) {
		if h.Days[day.Weekday()] {
			// Build the window from wall-clock parts, not by adding
			// durations to midnight, so that a 23- or 25-hour day still
			// opens at 08:00 and closes at 18:00 local time.
			open := wallClock(day, h.From, loc)
			shut := wallClock(day, h.To, loc)
			iv := Interval{maxTime(open, span.Start), minTime(shut, span.End)}
			if iv.Duration() > 0 {
				out = append(out, iv)
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
	}
	return out
}

func wallClock(day time.Time, since time.Duration, loc *time.Location) time.Time {
	h := int(since / time.Hour)
	m := int((since % time.Hour) / time.Minute)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Period is a reporting period: a month, a quarter or a year in the
// service's time zone.
type Period struct {
	Label string
	Interval
}

var (
	monthPattern   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterPattern = regexp.MustCompile(`^(\d{4})-?[qQ]([1-4])$`)
	yearPattern    = regexp.MustCompile(`^(\d{4})$`)
)

// ParsePeriod reads "2026-10" (a month), "2026-Q4" (a quarter) or "2026"
// (a year), with boundaries at local midnight in loc.
func ParsePeriod(text string, loc *time.Location) (Period, error) {
	t := strings.TrimSpace(text)
	var y, m, months int
	switch {
	case monthPattern.MatchString(t):
		fmt.Sscanf(t, "%d-%d", &y, &m)
		months = 1
	case quarterPattern.MatchString(t):
		q := quarterPattern.FindStringSubmatch(t)
		fmt.Sscan(q[1], &y)
		var qn int
		fmt.Sscan(q[2], &qn)
		m, months = 3*(qn-1)+1, 3
	case yearPattern.MatchString(t):
		fmt.Sscan(t, &y)
		m, months = 1, 12
	default:
		return Period{}, fmt.Errorf("%q is not a period; write 2026-10 (a month), 2026-Q4 or 2026", text)
	}
	if m < 1 || m > 12 {
		return Period{}, fmt.Errorf("%q: there is no month %d", text, m)
	}
	start := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, loc)
	return Period{Label: t, Interval: Interval{start, time.Date(y, time.Month(m+months), 1, 0, 0, 0, 0, loc)}}, nil
}
