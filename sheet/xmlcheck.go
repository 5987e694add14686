package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// xmlBreak is where a part of a workbook stops being well-formed XML: the
// last <row r="N"> begun before it, and why.
type xmlBreak struct {
	Row     int
	Reason  string
	TooLong bool // a limit, not damage
}

func (b *xmlBreak) Error() string { return b.Reason }

// checkXML reads r to the end and checks that it is one well-formed XML
// element: tags balanced and named alike, attributes quoted, comments,
// CDATA and processing instructions closed, nothing after the root. It is
// what excelize does not do: its row reader stops quietly at the first
// broken tag, so a sheet cut short or garbled halfway reads as a shorter
// sheet. It is a fast byte scanner (tens of MB a second more than
// encoding/xml), not a validating parser: entities and names are not
// checked beyond their first character. Returns an *xmlBreak, or the
// reader's own error.
func checkXML(r io.Reader) error { return checkXMLText(r, 0) }

// checkXMLText is checkXML that also refuses a run of text (a cell, or
// padding between tags) longer than maxText bytes; 0 is no limit.
func checkXMLText(r io.Reader, maxText int) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var stack []string
	var names []string // element names, interned: a sheet has a handful
	var scratch []byte
	row, rootDone := 0, false
	fail := func(format string, args ...any) error {
		return &xmlBreak{Row: row, Reason: fmt.Sprintf(format, args...)}
	}
	for {
		// Text up to the next tag.
		text, err := br.ReadSlice('<')
		run := len(text)
		for err == bufio.ErrBufferFull {
			if rootDone && len(bytes.TrimSpace(text)) > 0 {
				return fail("text after the end of the document")
			}
			if maxText > 0 && run > maxText {
				return &xmlBreak{Row: row, Reason: fmt.Sprintf("a cell or text of more than %d KB (the limit)", maxText>>10), TooLong: true}
			}
			text, err = br.ReadSlice('<')
			run += len(text)
		}
		if maxText > 0 && run > maxText {
			return &xmlBreak{Row: row, Reason: fmt.Sprintf("a cell or text of more than %d KB (the limit)", maxText>>10), TooLong: true}
		}
		if rootDone && len(bytes.TrimSpace(bytes.TrimSuffix(text, []byte("<")))) > 0 {
			return fail("text after the end of the document")
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err // a damaged part (its checksum), not broken XML
		}
		next, err := br.Peek(1)
		if err != nil {
			return fail("ends inside a tag (the file is cut short)")
		}
		switch next[0] {
		case '?':
			if err := skipPast(br, []byte("?>")); err != nil {
				return fail("a processing instruction is not closed")
			}
			continue
		case '!':
			head, _ := br.Peek(8)
			switch {
			case bytes.HasPrefix(head, []byte("!--")):
				if err := skipPast(br, []byte("-->")); err != nil {
					return fail("a comment is not closed")
				}
			case bytes.HasPrefix(head, []byte("![CDATA[")):
				if err := skipPast(br, []byte("]]>")); err != nil {
					return fail("a CDATA section is not closed")
				}
			default:
				if err := skipPast(br, []byte(">")); err != nil {
					return fail("a declaration is not closed")
				}
			}
			continue
		case '/':
			br.ReadByte()
			var name, rest []byte
			name, rest, scratch, err = readTag(br, scratch)
			if err != nil {
				return fail("%v", err)
			}
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				return fail("</%s> closes nothing that is open", name)
			}
			if len(rest) > 0 {
				return fail("</%s> has more than its name", name)
			}
			stack = stack[:len(stack)-1]
			rootDone = len(stack) == 0
			continue
		}
		if rootDone {
			return fail("a second element after the end of the document")
		}
		var name, attrs []byte
		name, attrs, scratch, err = readTag(br, scratch)
		if err != nil {
			return fail("%v", err)
		}
		selfClosing := len(attrs) > 0 && attrs[len(attrs)-1] == '/'
		if selfClosing {
			attrs = attrs[:len(attrs)-1]
		}
		if err := checkAttrs(attrs); err != nil {
			return fail("<%s>: %v", name, err)
		}
		if string(name) == "row" {
			if n := rowNumber(attrs); n > 0 {
				row = n
			} else {
				row++
			}
		}
		if selfClosing {
			rootDone = len(stack) == 0
			continue
		}
		stack = append(stack, intern(&names, name))
	}
	switch {
	case len(stack) > 0:
		return fail("ends before <%s> is closed (the file is cut short)", stack[len(stack)-1])
	case !rootDone:
		return fail("holds no XML element")
	}
	return nil
}

// intern returns the string for name from names, adding it if new; a
// linear search of a handful beats a map and allocates nothing.
func intern(names *[]string, name []byte) string {
	for _, n := range *names {
		if n == string(name) {
			return n
		}
	}
	n := string(name)
	if len(*names) < 64 { // a hostile file with endless names is not searched forever
		*names = append(*names, n)
	}
	return n
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func isNameStart(b byte) bool {
	return b == '_' || b == ':' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= 0x80
}

// readTag reads a tag after its '<' (or "</"): its name and the rest up to
// the closing '>', quotes respected. It reads whole runs up to a '>' at a
// time, into scratch (returned for reuse), rather than byte by byte.
func readTag(br *bufio.Reader, scratch []byte) (name, rest, buf []byte, err error) {
	buf = scratch[:0]
	quote := byte(0)
	for {
		chunk, err := br.ReadSlice('>')
		// The '>' ends the tag unless it stands inside a quoted value.
		for _, b := range chunk {
			switch {
			case quote != 0:
				if b == quote {
					quote = 0
				}
			case b == '"' || b == '\'':
				quote = b
			case b == '<':
				return nil, nil, buf, errors.New("a '<' inside a tag")
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return nil, nil, buf, errors.New("ends inside a tag (the file is cut short)")
		}
		buf = append(buf, chunk...)
		if len(buf) > 1<<20 {
			return nil, nil, buf, errors.New("a tag longer than 1 MB")
		}
		if err == bufio.ErrBufferFull || quote != 0 {
			continue
		}
		tag := buf[:len(buf)-1]
		i := 0
		for i < len(tag) && !isSpace(tag[i]) && tag[i] != '/' {
			i++
		}
		name, rest = tag[:i], tag[i:]
		if len(name) == 0 || !isNameStart(name[0]) {
			return nil, nil, buf, fmt.Errorf("a tag without a proper name (%q)", shorten(tag))
		}
		return name, bytes.TrimSpace(rest), buf, nil
	}
}

// checkAttrs checks name="value" pairs.
func checkAttrs(a []byte) error {
	for len(bytes.TrimSpace(a)) > 0 {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq <= 0 || !isNameStart(a[0]) {
			return fmt.Errorf("an attribute without a value (%q)", shorten(a))
		}
		v := bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(v) == 0 || v[0] != '"' && v[0] != '\'' {
			return fmt.Errorf("an attribute value without quotes (%q)", shorten(a))
		}
		end := bytes.IndexByte(v[1:], v[0])
		if end < 0 {
			return fmt.Errorf("an attribute value is not closed (%q)", shorten(a))
		}
		a = v[end+2:]
	}
	return nil
}

// rowNumber reads r="N" from a row's attributes.
func rowNumber(attrs []byte) int {
	i := bytes.Index(attrs, []byte(`r="`))
	if i < 0 || i > 0 && !isSpace(attrs[i-1]) {
		return 0
	}
	v := attrs[i+3:]
	end := bytes.IndexByte(v, '"')
	if end < 0 {
		return 0
	}
	n, _ := strconv.Atoi(string(v[:end]))
	return n
}

// skipPast reads up to and including end.
func skipPast(br *bufio.Reader, end []byte) error {
	window := make([]byte, 0, len(end))
	for {
		b, err := br.ReadByte()
		if err != nil {
			return err
		}
		if len(window) == len(end) {
			copy(window, window[1:])
			window = window[:len(end)-1]
		}
		window = append(window, b)
		if bytes.Equal(window, end) {
			return nil
		}
	}
}

func shorten(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
