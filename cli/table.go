package cli

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"servicebook/sheet"
)

// displayWidth is how many terminal columns s takes: Chinese characters
// take two, which text/tabwriter does not know.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// truncate shortens s to at most max columns, marking the cut with "…".
func truncate(s string, max int) string {
	if displayWidth(s) <= max {
		return s
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		rw := displayWidth(string(r))
		if w+rw > max-1 {
			break
		}
		b.WriteRune(r)
		w += rw
	}
	return b.String() + "…"
}

// figure matches a cell that is a number: money, a count, a percentage.
var figure = regexp.MustCompile(`^[-+−]?[¥$€]?\d[\d,]*(\.\d+)?( ?%)?$`)

// printTable writes rows under header in aligned columns, each at most
// maxWidth columns wide. A column whose cells are all figures (money,
// counts, percentages) is right-aligned, header too, so digits line up.
func printTable(w io.Writer, header []string, rows [][]string, maxWidth int) {
	widths := make([]int, len(header))
	right := make([]bool, len(header))
	for i := range right {
		seen := false
		right[i] = true
		for _, row := range rows {
			if i < len(row) && row[i] != "" {
				seen = true
				right[i] = right[i] && figure.MatchString(row[i])
			}
		}
		right[i] = right[i] && seen
	}
	all := append([][]string{header}, rows...)
	for _, row := range all {
		for i, cell := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], min(displayWidth(cell), maxWidth))
			}
		}
	}
	for _, row := range all {
		var b strings.Builder
		for i, cell := range row {
			cell = truncate(cell, maxWidth)
			pad := 0
			if i < len(widths) {
				pad = widths[i] - displayWidth(cell)
			}
			if i < len(right) && right[i] {
				b.WriteString(strings.Repeat(" ", pad) + cell)
				pad = 0
			} else {
				b.WriteString(cell)
			}
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", pad+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// printProblems lists an import's problems, the first hundred of them, and
// counts the rest: a file with two million bad rows gets a page, not two
// million lines.
func printProblems(app *App, problems []sheet.CellError) {
	shown, more := sheet.FirstProblems(problems)
	for _, p := range shown {
		fmt.Fprintln(app.Stderr, p.Error())
	}
	if more > 0 {
		fmt.Fprintf(app.Stderr, "… and %d more problems of the same file, not listed; mend the ones above first.\n", more)
	}
}

// count says how many of something: "1 plan", "3 plans".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
