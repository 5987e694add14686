package doccontrol

import "testing"

func TestVersions(t *testing.T) {
	for _, c := range []struct {
		version, next, approved string
		status                  Status
	}{
		{"0.1", "0.2", "1.0", Draft},
		{"0.9", "0.10", "1.0", Draft},
		{"1.0", "1.1", "", Approved},
		{"1.3", "1.4", "2.0", Revised},
		{"2", "2.1", "", Approved},
	} {
		if got := StatusOf(c.version); got != c.status {
			t.Errorf("StatusOf(%s) = %s, want %s", c.version, got, c.status)
		}
		if got := NextMinor(c.version); got != c.next {
			t.Errorf("NextMinor(%s) = %s, want %s", c.version, got, c.next)
		}
		got, err := ApprovedVersion(c.version)
		if got != c.approved || (err == nil) != (c.approved != "") {
			t.Errorf("ApprovedVersion(%s) = %q, %v; want %q", c.version, got, err, c.approved)
		}
	}
	for _, bad := range []string{"", "x", "1.x", "-1.0", "1.-2"} {
		if _, _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
}
