package cli

import (
	"testing"
	"time"
)

// FuzzParseTime: an outage's start or end as typed on the command line
// never panics, and an accepted time written as RFC 3339 reads back as the
// same instant.
func FuzzParseTime(f *testing.F) {
	for _, seed := range []string{"2026-10-10 03:00", "2026-10-10T03:00", "2026-10-10T03:00:00+08:00", "2026-10-10", "2026-13-10 03:00", "", "03:00"} {
		f.Add(seed, "Asia/Shanghai")
	}
	f.Add("2026-03-29 02:30", "Europe/London") // a time the clocks skip
	f.Fuzz(func(t *testing.T, text, zone string) {
		at, err := parseTime(text, zone)
		if err != nil || text == "" {
			return
		}
		back, err := parseTime(at.Format(time.RFC3339), zone)
		if err != nil || !back.Equal(at) {
			t.Fatalf("%q in %s → %v → %v, %v", text, zone, at, back, err)
		}
	})
}
