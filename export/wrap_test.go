package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzWrap: wrapping never loses or adds a character (only the spaces it
// breaks at), and no line is wider than asked unless it is one character.
func FuzzWrap(f *testing.F) {
	for _, seed := range []string{"SM-02002 Incident manager （备选）", "138 0000 0001", "在上海部署新证书并重新演练 Deploy the new certificate", "a\n\nb", "", "   ", "ＡＢＣ　全角"} {
		f.Add(seed, 30.0)
	}
	d := newPDF(PDFOptions{})
	d.AddPage()
	d.SetFont(fontName, "", 9)
	f.Fuzz(func(t *testing.T, text string, width float64) {
		if width < 1 || width > 500 || len(text) > 2000 || !utf8.ValidString(text) {
			return // the database holds valid UTF-8 only
		}
		lines := d.wrap(text, width)
		squeeze := func(s string) string { return strings.NewReplacer(" ", "", "\n", "").Replace(s) }
		if got, want := squeeze(strings.Join(lines, "")), squeeze(text); got != want {
			t.Fatalf("wrap(%q, %v) = %q: characters lost or added", text, width, lines)
		}
		for _, l := range lines {
			if len([]rune(l)) > 1 && d.GetStringWidth(l) > width+0.001 {
				t.Fatalf("wrap(%q, %v): line %q is %v wide", text, width, l, d.GetStringWidth(l))
			}
		}
	})
}

// TestNarrowCellsKeepEveryCharacter: text printed in narrow table cells and
// paragraphs reads back whole (fpdf's SplitText dropped the character at
// each break inside a word).
func TestNarrowCellsKeepEveryCharacter(t *testing.T) {
	text := "SM-02002 Incident manager （备选） 王建国 Wang Jianguo 138 0000 0002 在上海部署新证书并重新演练"
	d := newPDF(PDFOptions{AsOf: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)})
	d.AddPage()
	d.table([]string{"A", "B"}, []float64{15, 85}, "LL", [][]string{{text, "x"}}, nil)
	d.SetLeftMargin(120)
	d.paragraph(text)
	path := filepath.Join(t.TempDir(), "narrow.pdf")
	if err := d.OutputFileAndClose(path); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", path, "-")), "")
	want := strings.Join(strings.Fields(text), "")
	if strings.Count(got, want) != 2 {
		t.Errorf("printed twice (cell, paragraph), read back %q; want %q twice", got, want)
	}
	os.Remove(path)
}
