package sheet

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Field is a column an importer understands, with every header text people
// use for it (English and Chinese).
type Field struct {
	Key      string
	Names    []string
	Required bool
}

// Mapping says which column holds which field.
type Mapping struct {
	HeaderRow int            // 1-based row of the header
	Columns   map[string]int // field key -> 0-based column index
	Headers   []string       // the header row's texts, for messages
	Extra     []int          // columns that map to no field (attributes, or ignored)
}

// Header returns the header text of column i, or a column letter if the
// header cell is empty.
func (m Mapping) Header(i int) string {
	if i < len(m.Headers) && strings.TrimSpace(m.Headers[i]) != "" {
		return strings.TrimSpace(m.Headers[i])
	}
	return ColumnLetter(i)
}

// Cell returns the trimmed text of field key in row, and whether the column
// exists in the file at all.
func (m Mapping) Cell(row []string, key string) (string, bool) {
	i, ok := m.Columns[key]
	if !ok {
		return "", false
	}
	if i >= len(row) {
		return "", true
	}
	return strings.TrimSpace(row[i]), true
}

// ColumnLetter returns Excel's name for the 0-based column i: A, B, …, AA.
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Fold makes header texts comparable: case, full-width forms, spaces,
// underscores, hyphens and brackets are ignored, so "CI Type", "ci_type",
// "ＣＩ类型" and " 类型 " compare by what they say.
//
// An import folds every row's type and name (100k of them): text without
// full- or half-width forms skips width folding, and lower-case ASCII
// without separators is returned as it is.
func Fold(s string) string {
	plain := true // lower-case ASCII, no separator
	for _, r := range s {
		if r == '\u3000' || r >= 0xFF00 && r <= 0xFFEF { // the only runes width.Fold changes
			s = width.Fold.String(s)
			plain = false
			break
		}
		plain = plain && r < utf8.RuneSelf && !('A' <= r && r <= 'Z') && !foldSeparator(r)
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !foldSeparator(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func foldSeparator(r rune) bool {
	switch r {
	case ' ', '_', '-', '\t', '\u3000', '.', '(', ')', '（', '）', ':', '：', '*', '\n', '\r':
		return true
	}
	return false
}

// MapHeader maps one row of header texts to fields. explicit, if given,
// maps a field key to the header text the person chose for it and wins over
// the built-in names.
func MapHeader(header []string, fields []Field, explicit map[string]string) Mapping {
	m := Mapping{Columns: map[string]int{}, Headers: header}
	byName := map[string]string{}
	for _, f := range fields {
		for _, n := range append([]string{f.Key}, f.Names...) {
			byName[Fold(n)] = f.Key
		}
	}
	for key, text := range explicit {
		byName[Fold(text)] = key
	}
	used := map[int]bool{}
	// Explicit choices first, so that they can take a column a built-in name
	// would have claimed.
	for key, text := range explicit {
		for i, h := range header {
			if Fold(h) == Fold(text) && !used[i] {
				m.Columns[key] = i
				used[i] = true
				break
			}
		}
	}
	for i, h := range header {
		if used[i] || Fold(h) == "" {
			continue
		}
		key, ok := byName[Fold(h)]
		if _, taken := m.Columns[key]; ok && !taken {
			m.Columns[key] = i
			used[i] = true
		}
	}
	for i, h := range header {
		if !used[i] && Fold(h) != "" {
			m.Extra = append(m.Extra, i)
		}
	}
	return m
}

// Missing lists the required fields a mapping lacks.
func (m Mapping) Missing(fields []Field) []Field {
	var out []Field
	for _, f := range fields {
		if _, ok := m.Columns[f.Key]; f.Required && !ok {
			out = append(out, f)
		}
	}
	return out
}

// HeaderScanRows is how many rows FindHeader looks at for the header.
const HeaderScanRows = 30

// FindHeader looks in the first rows of t for the header: the first row
// that maps every required field, or failing that the row that maps the
// most fields. Title rows above the header, as finance and CMDB exports
// often have, are skipped.
func FindHeader(t Table, fields []Field, explicit map[string]string) (Mapping, bool) {
	const scan = HeaderScanRows
	var best Mapping
	bestCount := 0
	for i := 0; i < len(t.Rows) && i < scan; i++ {
		m := MapHeader(t.Rows[i], fields, explicit)
		m.HeaderRow = i + 1
		if len(m.Missing(fields)) == 0 && len(m.Columns) > 0 {
			return m, true
		}
		if len(m.Columns) > bestCount {
			best, bestCount = m, len(m.Columns)
		}
	}
	return best, false
}
