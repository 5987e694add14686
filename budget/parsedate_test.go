package budget

import (
	"testing"
	"time"
)

// FuzzParseDate: a date cell in a budget or actuals file never panics the
// import, and an accepted date written as 2006-01-02 reads back as the
// same day.
func FuzzParseDate(f *testing.F) {
	for _, seed := range []string{"2026-03-01", "2026/3/1", "２０２６年３月１日", "46082", "0", "2958466", "-1", "2026.13.1", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, ok := ParseDate(text)
		if !ok {
			return
		}
		back, ok := ParseDate(d.Format(time.DateOnly))
		if !ok || !back.Equal(d) {
			t.Fatalf("%q → %v → %v, %v", text, d, back, ok)
		}
	})
}
