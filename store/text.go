package store

import (
	"fmt"
	"strings"
)

// MsgControlChar is a text holding a control character other than tab (or
// newline, in a multi-line field).
const MsgControlChar = "holds a control character ({{.Char}}) at position {{.Pos}}; remove it"

// ControlChar finds a control character a text field must not hold: any
// C0 or C1 control (ESC, BEL, CR, NUL …) other than tab, and newline where
// the field is multi-line. Stored, such characters let a file drive a
// terminal that prints them (escape sequences) and break the CSV export.
// It returns a message naming the character and its place, or ok.
func ControlChar(text string, multiline bool) (Msg, bool) {
	pos := 0
	for _, r := range text {
		pos++
		if r == '\t' || multiline && r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return M(MsgControlChar, "Char", fmt.Sprintf("U+%04X", r), "Pos", pos), false
		}
	}
	return Msg{}, true
}

// CheckTexts adds a problem for every field of fields (name → text) that
// holds a control character; multi names the fields where a newline is
// allowed.
func CheckTexts(fields map[string]string, multi ...string) []FieldProblem {
	var out []FieldProblem
	for name, text := range fields {
		allowNewline := false
		for _, m := range multi {
			allowNewline = allowNewline || m == name
		}
		if m, ok := ControlChar(text, allowNewline); !ok {
			out = append(out, FieldProblem{Field: name, Message: m.String(), Msg: m})
		}
	}
	return out
}

// Clean reports whether text has no control character but tab (and newline
// when multiline), for callers that word their own error.
func Clean(text string, multiline bool) bool {
	_, ok := ControlChar(text, multiline)
	return ok && !strings.ContainsRune(text, 0)
}
