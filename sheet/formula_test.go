package sheet

import (
	"strings"
	"testing"
)

// FuzzFormulaRoundTrip: whatever a field holds, the CSV export's
// neutralised text never starts a formula, and reading it back gives the
// field exactly — quotes the person typed included.
func FuzzFormulaRoundTrip(f *testing.F) {
	for _, seed := range []string{"=SUM(A1:A9)", "+86 138 0000 0000", "-5", "@admin", "\tx", "'=x", "''+1", "'", "plain", "", "＝全角"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		out := NeutraliseFormula(v)
		if out != "" && strings.ContainsRune("=+-@\t\r", rune(out[0])) {
			t.Fatalf("NeutraliseFormula(%q) = %q starts a formula", v, out)
		}
		if back := restoreFormulaText(out); back != v {
			t.Fatalf("%q → %q → %q", v, out, back)
		}
	})
}
