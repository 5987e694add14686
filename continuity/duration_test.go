package continuity

import "testing"

// FuzzParseDuration: whatever is typed in a duration field, the parse never
// panics, and an accepted duration written back by FormatDuration reads as
// the same duration.
func FuzzParseDuration(f *testing.F) {
	for _, seed := range []string{"30m", "4h", "2h30m", "3d", "-3d", "99999999999999d", "1.5d", "", " 4H ", "1h0m0s", "10m"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, err := ParseDuration(v)
		if err != nil || d < 0 {
			return // a negative duration is refused by the plan's own check
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Fatalf("%q → %v → %q → %v, %v", v, d, FormatDuration(d), back, err)
		}
	})
}
