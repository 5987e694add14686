package budget

import (
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

// ParseMonthHeader recognises a column header that names a month, as
// finance workbooks write them: "Jan", "January", "1月", "一月", "2026-01",
// "2026/1", "2026年1月", "M01", "P01", or an Excel date serial (a header
// cell formatted as a date). It returns the month (1–12) and the year
// (0 when the header has none).
func ParseMonthHeader(text string) (month, year int, ok bool) {
	t := strings.ToLower(strings.TrimSpace(width.Fold.String(text)))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "份"), ".")
	if t == "" {
		return 0, 0, false
	}
	if m, found := monthNames[t]; found {
		return m, 0, true
	}
	// "M01", "P01", "Month 1"
	for _, prefix := range []string{"month ", "month", "m", "p"} {
		if rest, found := strings.CutPrefix(t, prefix); found {
			if m, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil && m >= 1 && m <= 12 {
				return m, 0, true
			}
		}
	}
	// "1月"
	if rest, found := strings.CutSuffix(t, "月"); found && !strings.Contains(rest, "年") {
		if m, err := strconv.Atoi(rest); err == nil && m >= 1 && m <= 12 {
			return m, 0, true
		}
	}
	// "2026-01", "2026/1", "2026.01", "2026年1月"
	norm := strings.NewReplacer("年", "-", "月", "", "/", "-", ".", "-").Replace(t)
	if y, m, found := strings.Cut(norm, "-"); found {
		yi, err1 := strconv.Atoi(y)
		mi, err2 := strconv.Atoi(m)
		if err1 == nil && err2 == nil && yi >= 1900 && yi <= 2200 && mi >= 1 && mi <= 12 {
			return mi, yi, true
		}
	}
	// An Excel date serial: 46023 is 2026-01-01.
	if f, err := strconv.ParseFloat(t, 64); err == nil && f >= 20000 && f <= 80000 && !strings.Contains(t, "-") {
		d := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f))
		return int(d.Month()), d.Year(), true
	}
	return 0, 0, false
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
	t = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(t)
	if d, err := time.Parse("2006-1-2", t); err == nil {
		return d, true
	}
	return time.Time{}, false
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
