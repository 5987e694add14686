package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"servicebook/store"
)

// ParseCSV reads a CSV (or tab- or semicolon-separated) file as Excel and
// other programs write it: UTF-8 with or without a byte-order mark, UTF-16
// ("Unicode text" from Excel), or GB18030/GBK, which is what Excel on
// Chinese Windows writes by default.
func ParseCSV(name string, data []byte, lim Limits) (Table, error) {
	// A line far longer than any row (a bomb of one endless line) is
	// refused before the text is decoded and copied about.
	if lim.MaxCellBytes > 0 {
		maxLine, line, start := 16*lim.MaxCellBytes, 1, 0
		for start < len(data) {
			end := bytes.IndexByte(data[start:], '\n')
			if end < 0 {
				end = len(data) - start
			}
			if end > maxLine {
				return Table{}, store.Errorf(store.EInvalid, "%s: line %d is longer than %d MB; is it really a spreadsheet?", name, line, maxLine>>20)
			}
			start += end + 1
			line++
		}
	}
	text, err := decodeText(data)
	if err != nil {
		return Table{}, store.Errorf(store.EInvalid, "%s: %v", name, err)
	}
	if strings.ContainsRune(text, 0) {
		return Table{}, store.Errorf(store.EInvalid, "%s: is not a spreadsheet or CSV file (it contains binary data)", name)
	}
	if strings.TrimSpace(text) == "" {
		return Table{}, store.Errorf(store.EInvalid, "%s: the file is empty", name)
	}
	// Strict first: a quoted cell that is never closed would otherwise
	// swallow every row after it without a word. Only a stray quote inside
	// an unquoted cell (5" disk), common and harmless, is read leniently.
	t, err := readCSV(name, text, lim, false)
	var pe *csv.ParseError
	if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote) {
		t, err = readCSV(name, text, lim, true)
	}
	return t, err
}

func readCSV(name, text string, lim Limits, lazy bool) (Table, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = detectDelimiter(text)
	r.FieldsPerRecord = -1 // rows may be ragged; the importer checks what it needs
	r.LazyQuotes = lazy
	var t Table
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			switch {
			case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote) && !lazy:
				return Table{}, err // read again leniently
			case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
				return Table{}, store.Errorf(store.EInvalid, "%s: row %d: a quoted cell is not closed, or a quote inside it is not doubled (\"\"); reading stopped at line %d", name, pe.StartLine, pe.Line)
			case errors.As(err, &pe):
				return Table{}, store.Errorf(store.EInvalid, "%s: row %d: %v", name, pe.StartLine, pe.Err)
			}
			return Table{}, store.Errorf(store.EInvalid, "%s: %v", name, err)
		}
		if len(t.Rows) >= lim.MaxRows {
			return Table{}, store.Errorf(store.EInvalid, "%s: has more than %d rows; split it into smaller files", name, lim.MaxRows)
		}
		// encoding/csv skips empty lines; keep row numbers true to the file
		// by padding with empty rows up to the record's first line.
		line, _ := r.FieldPos(0)
		for len(t.Rows) < line-1 {
			t.Rows = append(t.Rows, nil)
		}
		for i, v := range rec {
			if lim.MaxCellBytes > 0 && len(v) > lim.MaxCellBytes {
				line, _ := r.FieldPos(i)
				return Table{}, store.Errorf(store.EInvalid, "%s: row %d, column %d holds more than %d KB of text (the limit)", name, line, i+1, lim.MaxCellBytes>>10)
			}
			rec[i] = restoreFormulaText(v)
		}
		t.Rows = append(t.Rows, rec)
	}
	return t, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		return string(data[len(utf8BOM):]), nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return "", errors.New("the file claims to be UTF-16 but cannot be decoded")
		}
		return string(out), nil
	case utf8.Valid(data):
		return string(data), nil
	}
	// GB18030 is a superset of GBK and GB2312, so one decoder covers all
	// three; every byte sequence decodes, at worst to U+FFFD.
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", errors.New("the file is neither UTF-8 nor GB18030/GBK text")
	}
	return string(out), nil
}

// detectDelimiter picks comma, semicolon or tab: the one that splits the
// first lines into the same number of fields, most of them. Quoted cells
// are skipped so that "1,000" does not count as a separator.
func detectDelimiter(text string) rune {
	lines := firstLines(text, 10)
	best, bestScore := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		counts := map[int]int{}
		for _, line := range lines {
			counts[countOutsideQuotes(line, d)]++
		}
		// Score: how many lines agree on the most common non-zero count,
		// weighted by that count.
		for n, lines := range counts {
			if n > 0 && lines*n > bestScore {
				best, bestScore = d, lines*n
			}
		}
	}
	return best
}

func firstLines(text string, n int) []string {
	var out []string
	for _, line := range strings.SplitN(text, "\n", n+1) {
		if strings.TrimSpace(line) != "" && len(out) < n {
			out = append(out, line)
		}
	}
	return out
}

func countOutsideQuotes(line string, d rune) int {
	n, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == d && !quoted:
			n++
		}
	}
	return n
}

// NeutraliseFormula prefixes a value that a spreadsheet would take for a
// formula (it begins with = + - @, a tab or a carriage return) with a single
// quote, so that opening an exported CSV runs nothing. A value that already
// begins with quotes before such a character gets one more, so that
// restoreFormulaText gives back exactly what was stored.
func NeutraliseFormula(v string) string {
	if looksLikeFormula(v) {
		return "'" + v
	}
	return v
}

// restoreFormulaText undoes NeutraliseFormula on a CSV cell read back.
func restoreFormulaText(v string) string {
	if strings.HasPrefix(v, "'") && looksLikeFormula(v) {
		return v[1:]
	}
	return v
}

// looksLikeFormula: after any leading single quotes, v begins with a
// character a spreadsheet starts a formula with.
func looksLikeFormula(v string) bool {
	core := strings.TrimLeft(v, "'")
	return core != "" && strings.ContainsRune("=+-@\t\r", rune(core[0]))
}
