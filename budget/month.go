package budget

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
	"一月": 1, "二月": 2, "三月": 3, "四月": 4, "五月": 5, "六月": 6, "七月": 7, "八月": 8, "九月": 9,
	"十月": 10, "十一月": 11, "十二月": 12,
}

// MonthRef is a month as a spreadsheet header or cell names it: a calendar
// month, with its year where the text gives one, or a fiscal period (P01
// is the fiscal year's first month, whichever calendar month that is).
type MonthRef struct {
	Number int  // 1–12
	Year   int  // 0 when the text gives no year
	Period bool // counted from the fiscal year's start, not from January
}

func (m MonthRef) String() string {
	switch {
	case m.Period:
		return fmt.Sprintf("P%02d", m.Number)
	case m.Year != 0:
		return fmt.Sprintf("%d-%02d", m.Year, m.Number)
	}
	return time.Month(m.Number).String()
}

// errNotMonth says a text does not look like a month at all; other errors
// from ParseMonth say it looks like one that no year has ("13月").
var errNotMonth = errors.New("not a month")

// ParseMonth recognises a column header that names a month, as finance
// workbooks write them: "Jan", "January", "1月", "一月", "2026-01",
// "2026/1", "2026年1月", "M01", "Month 1", "P01" or "Period 1" (fiscal
// periods), or an Excel date serial (a header cell formatted as a date).
// Text that is no month at all gives errNotMonth; text that has the shape
// of a month but names none ("13月", "M13", "2026-13", "P00") gives an
// error that says so, so that its column is refused rather than dropped.
func ParseMonth(text string) (MonthRef, error) {
	t := strings.ToLower(strings.TrimSpace(width.Fold.String(text)))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "份"), ".")
	if t == "" {
		return MonthRef{}, errNotMonth
	}
	if m, found := monthNames[t]; found {
		return MonthRef{Number: m}, nil
	}
	numbered := func(rest string, period bool) (MonthRef, error) {
		n, err := strconv.Atoi(strings.TrimSpace(rest))
		if err != nil {
			return MonthRef{}, errNotMonth
		}
		if n < 1 || n > 12 {
			return MonthRef{}, fmt.Errorf("%q names month %d; a year has months 1 to 12", text, n)
		}
		return MonthRef{Number: n, Period: period}, nil
	}
	// "P01", "Period 1", "M01", "Month 1"
	for _, p := range []struct {
		prefix string
		period bool
	}{{"period", true}, {"month", false}, {"p", true}, {"m", false}} {
		if rest, found := strings.CutPrefix(t, p.prefix); found && rest != "" {
			if m, err := numbered(rest, p.period); err != errNotMonth {
				return m, err
			}
		}
	}
	// "1月", "13月"
	if rest, found := strings.CutSuffix(t, "月"); found && !strings.Contains(rest, "年") {
		return numbered(rest, false)
	}
	// "2026-01", "2026/1", "2026.01", "2026年1月"
	norm := monthMarks.Replace(t)
	if y, m, found := strings.Cut(norm, "-"); found && !strings.Contains(m, "-") {
		yi, err1 := strconv.Atoi(y)
		mi, err2 := strconv.Atoi(m)
		if err1 == nil && err2 == nil && yi >= 1900 && yi <= 2200 {
			if mi < 1 || mi > 12 {
				return MonthRef{}, fmt.Errorf("%q names month %d; a year has months 1 to 12", text, mi)
			}
			return MonthRef{Number: mi, Year: yi}, nil
		}
	}
	// An Excel date serial: 46023 is 2026-01-01.
	if d, ok := excelSerial(t); ok {
		return MonthRef{Number: int(d.Month()), Year: d.Year()}, nil
	}
	return MonthRef{}, errNotMonth
}

// excelSerial reads a date serial as Excel stores dates, for the years a
// budget can be about (1954–2119), so that an amount is never taken for one.
func excelSerial(t string) (time.Time, bool) {
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 20000 || f > 80000 || strings.ContainsAny(t, "-+eE") {
		return time.Time{}, false
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f)), true
}

// ParseMonthCell reads the month of a row in a long layout (a row per line
// and month). Besides everything ParseMonth reads, a bare number is the
// month's number ("3" is March, or the third fiscal period when period is
// set because the column is a Period column), and a date (2026-03-01,
// 2026/3/15, an Excel date serial) is its month of its year.
func ParseMonthCell(text string, period bool) (MonthRef, error) {
	t := strings.TrimSpace(width.Fold.String(text))
	if n, err := strconv.ParseFloat(t, 64); err == nil {
		if d, ok := excelSerial(t); ok {
			return MonthRef{Number: int(d.Month()), Year: d.Year()}, nil
		}
		if n != float64(int(n)) || n < 1 || n > 12 {
			return MonthRef{}, fmt.Errorf("%q is not a month: write 1 to 12, 2026-03 or 3月", text)
		}
		return MonthRef{Number: int(n), Period: period}, nil
	}
	m, err := ParseMonth(t)
	if err == errNotMonth {
		if d, ok := ParseDate(t); ok {
			return MonthRef{Number: int(d.Month()), Year: d.Year()}, nil
		}
		return MonthRef{}, fmt.Errorf("%q is not a month: write 1 to 12, 2026-03 or 3月", text)
	}
	return m, err
}

// ParseDate reads a date cell: 2026-03-01, 2026/3/1, 2026年3月1日, or an
// Excel date serial.
func ParseDate(text string) (time.Time, bool) {
	t := strings.TrimSpace(width.Fold.String(text))
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		if f < 1 || f > 2958465 {
			return time.Time{}, false
		}
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f)), true
	}
	t = dateMarks.Replace(t)
	if d, err := time.Parse("2006-1-2", t); err == nil {
		return d, true
	}
	return time.Time{}, false
}

// FiscalMonth places a month in the fiscal year: 1 is the year's first
// month. A month with a year outside the fiscal year is an error that
// names the fiscal year's span, never a month of this year.
func (fy FiscalYear) FiscalMonth(m MonthRef) (int, error) {
	switch {
	case m.Period:
		return m.Number, nil
	case m.Year == 0:
		return (m.Number-fy.StartMonth+12)%12 + 1, nil
	}
	i := (m.Year*12 + m.Number - 1) - (fy.Year*12 + fy.StartMonth - 1)
	if i < 0 || i > 11 {
		return 0, fmt.Errorf("%d-%02d is outside fiscal year %d (%s to %s)", m.Year, m.Number, fy.Year, fy.MonthLabel(1), fy.MonthLabel(12))
	}
	return i + 1, nil
}

// MonthLabel names fiscal month i (1–12) as year and calendar month, e.g.
// "2027-03" for the last month of a fiscal year 2026 that starts in April.
func (fy FiscalYear) MonthLabel(i int) string {
	start := fy.StartMonth
	if start == 0 {
		start = 1
	}
	n := start - 1 + i - 1
	return fmt.Sprintf("%d-%02d", fy.Year+n/12, n%12+1)
}

// IsTotalRow reports whether a row label marks a total or subtotal row
// (合计, 小计, 总计, Total, Subtotal, Grand total), which is not a budget line.
func IsTotalRow(label string) bool {
	// Most labels are neither: decide those without folding.
	if label == "" || !strings.ContainsAny(label, "计TtSsＴｔＳｓ") {
		return false
	}
	t := strings.ToLower(strings.Join(strings.Fields(width.Fold.String(label)), ""))
	for _, w := range []string{"合计", "小计", "总计", "共计", "total", "subtotal", "grandtotal", "sum"} {
		if t == w || strings.HasPrefix(t, w+":") || strings.HasPrefix(t, w+"：") || strings.HasSuffix(t, w) && len(t) < len(w)+12 {
			return true
		}
	}
	return false
}

// Label names the fiscal year for a message: "fiscal year 2026".
func (fy FiscalYear) Label() string { return fmt.Sprintf("fiscal year %d", fy.Year) }

// The marks between a year, a month and a day as people write them
// (2026年3月, 2026/03/31, 2026.3.31), read as dashes; built once.
var (
	monthMarks = strings.NewReplacer("年", "-", "月", "", "/", "-", ".", "-")
	dateMarks  = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")
)
