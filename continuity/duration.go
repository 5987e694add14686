package continuity

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FormatDuration writes a duration as people write RTOs and step times:
// 4h, 30m, 2h30m, 3d; zero is empty. ParseDuration reads it back.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	if d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	// time.Duration's own 2h30m0s, without the zero parts: 2h30m, 30m,
	// 4h. (Trimming "0m" off the text turned 30m into 3.)
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}

// ParseDuration reads what FormatDuration writes, and what people type:
// 30m, 4h, 2h30m, 3d. Whole days are counted up to a hundred years, so a
// slip of the keyboard cannot wrap round into a negative duration.
func ParseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 36500 {
			return 0, fmt.Errorf("%q is not a number of days", v)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}
