package cmdb

import (
	"testing"
	"time"
)

// FuzzParseDate: a date cell never panics the importer, and an accepted
// date written as 2006-01-02 reads back as the same day.
func FuzzParseDate(f *testing.F) {
	for _, seed := range []string{"2026-03-01", "2026/3/1", "2026年3月1日", "2026-03-01T00:00:00Z", "46082", "46082.75", "1e5", "19999", "80000", "2026-02-30", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, err := ParseDate(text)
		if err != nil {
			return
		}
		back, err := ParseDate(d.Format(time.DateOnly))
		if err != nil || !back.Equal(d) {
			t.Fatalf("%q → %v → %v, %v", text, d, back, err)
		}
	})
}
