package sheet

import (
	"strings"
	"testing"
)

func TestCheckXML(t *testing.T) {
	good := []string{
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<worksheet xmlns="x"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"/></sheetData></worksheet>`,
		`<a><!-- a comment with <tags> and --- dashes ---><b x='1' y="a>b"/><![CDATA[<not a tag> ]]]]><c>text &amp; more</c></a>`,
		"<a>\n</a>\n",
	}
	for _, g := range good {
		if err := checkXML(strings.NewReader(g)); err != nil {
			t.Errorf("%q: %v", g, err)
		}
	}
	bad := []struct {
		xml, want string
		row       int
	}{
		{`<worksheet><sheetData><row r="1"></row><row r="2"><c><v>1</v></c></row><row r="3"><<garbage`, "a '<' inside a tag", 3},
		{`<worksheet><sheetData><row r="1001"><c r="A1001"><v>1</v></c>`, "cut short", 1001},
		{`<a><b></a></b>`, "</a> closes nothing that is open", 0},
		{`<a x=1/>`, "without quotes", 0},
		{`<a x="1/>`, "cut short", 0},
		{`<a></a><b></b>`, "a second element", 0},
		{`<a><!-- open`, "comment is not closed", 0},
		{``, "holds no XML element", 0},
		{`<1a/>`, "without a proper name", 0},
	}
	for _, b := range bad {
		err := checkXML(strings.NewReader(b.xml))
		br, ok := err.(*xmlBreak)
		if !ok || !strings.Contains(br.Reason, b.want) || br.Row != b.row {
			t.Errorf("%q: %v (row %d); want %q at row %d", b.xml, err, func() int {
				if ok {
					return br.Row
				}
				return -1
			}(), b.want, b.row)
		}
	}
}

// FuzzCheckXML: whatever the bytes, the check ends with an answer.
func FuzzCheckXML(f *testing.F) {
	f.Add(`<a><b x="1">t</b><!--c--><![CDATA[x]]></a>`)
	f.Add(`<worksheet><sheetData><row r="2"><<`)
	f.Add(`<?xml?><a/>`)
	f.Fuzz(func(t *testing.T, s string) {
		err := checkXML(strings.NewReader(s))
		if err != nil {
			if _, ok := err.(*xmlBreak); !ok { // a strings.Reader has no errors of its own
				t.Fatalf("%q: %T %v", s, err, err)
			}
		}
	})
}
