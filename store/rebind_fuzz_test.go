package store

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzRebind: whatever the text, every byte that is not a placeholder is
// kept (writing "?" back for each placeholder gives the text again), the
// placeholders are numbered 1, 2, … in order, and numbering twice changes
// nothing more.
func FuzzRebind(f *testing.F) {
	for _, s := range []string{"SELECT ?", "'?'", `"?"`, "-- ?\n?", "/* ? */ ?", "$$?$$?", "$a$?$a$", "$1?", "??", "'", "$?", "?$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if back := replacePlaceholders(q, func(b *strings.Builder, _ int, text string) { b.WriteString(text) }); back != q {
			t.Fatalf("%q: placeholders written back give %q", q, back)
		}
		var numbers []int
		replacePlaceholders(q, func(_ *strings.Builder, n int, text string) {
			if text == "?" { // "?NNN" is numbered by its writer
				numbers = append(numbers, n)
			}
		})
		for i, n := range numbers {
			if n != i+1 {
				t.Fatalf("%q: placeholder %d numbered %d", q, i+1, n)
			}
		}
		got := Rebind(q)
		if len(numbers) > 0 && !strings.Contains(got, "$"+strconv.Itoa(len(numbers))) {
			t.Fatalf("Rebind(%q) = %q: no $%d", q, got, len(numbers))
		}
		if again := Rebind(got); again != got {
			t.Fatalf("Rebind(%q) = %q, and again %q", q, got, again)
		}
	})
}
