package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/width"

	"servicebook/store"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCSVEncodingsAndDelimiters(t *testing.T) {
	want := [][]string{{"名称", "类型", "负责人"}, {"核心数据库", "数据库", "张伟"}, {"web-01", "server", "Li, Wei"}}
	utf8Text := "名称,类型,负责人\r\n核心数据库,数据库,张伟\r\nweb-01,server,\"Li, Wei\"\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(utf8Text)
	if err != nil {
		t.Fatal(err)
	}
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().String(utf8Text)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.NewReplacer(",\"Li, Wei\"", "\t\"Li, Wei\"", ",", "\t").Replace(utf8Text))
	cases := []struct {
		name string
		data []byte
	}{
		{"utf-8", []byte(utf8Text)},
		{"utf-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, utf8Text...)},
		{"GBK from Excel on Chinese Windows", []byte(gbk)},
		{"GB18030", []byte(gb18030)},
		{"UTF-16 tab separated (Excel Unicode text)", []byte(utf16)},
		{"semicolon", []byte(strings.NewReplacer(",\"Li, Wei\"", ";\"Li, Wei\"", ",", ";").Replace(utf8Text))},
		{"tab", []byte(strings.NewReplacer(",\"Li, Wei\"", "\t\"Li, Wei\"", ",", "\t").Replace(utf8Text))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			book, err := ReadFile(writeFile(t, "cis.csv", c.data), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if got := book.Sheets[0].Rows; !reflect.DeepEqual(got, want) {
				t.Errorf("rows = %q, want %q", got, want)
			}
		})
	}
}

func TestCSVKeepsRowNumbersAcrossBlankLines(t *testing.T) {
	book, err := ReadFile(writeFile(t, "a.csv", []byte("name,type\n\n\nx,server\n")), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rows := book.Sheets[0].Rows
	if len(rows) != 4 || rows[3][0] != "x" {
		t.Errorf("rows = %q; want x on row 4", rows)
	}
}

func makeXLSX(t *testing.T, sheets map[string][][]any, order []string, opts ...excelize.Options) string {
	t.Helper()
	f := excelize.NewFile()
	for i, name := range order {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else {
			f.NewSheet(name)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path, opts...); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestXLSXSheetsAndRawValues(t *testing.T) {
	path := makeXLSX(t, map[string][][]any{
		"配置项": {{"配置项清单 2026"}, {}, {"名称", "CPU核数"}, {"db-01", 16}},
		"关系":  {{"From", "Kind", "To"}},
	}, []string{"配置项", "关系"})
	book, err := ReadFile(path, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(book.Sheets) != 2 || book.Sheets[0].Name != "配置项" || book.File != "book.xlsx" {
		t.Fatalf("book = %+v", book)
	}
	rows := book.Sheets[0].Rows
	if len(rows) != 4 || rows[3][1] != "16" || len(rows[1]) != 0 {
		t.Errorf("rows = %q", rows)
	}
}

func TestRefusesWhatItCannotRead(t *testing.T) {
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("xl/workbook.xml")
	w.Write(bytes.Repeat([]byte{'<'}, 4<<20))
	zw.Close()

	var docx bytes.Buffer
	zw = zip.NewWriter(&docx)
	w, _ = zw.Create("word/document.xml")
	w.Write([]byte("<w:document/>"))
	zw.Close()

	protected := makeXLSX(t, map[string][][]any{"S": {{"name"}}}, []string{"S"}, excelize.Options{Password: "secret"})
	protectedData, _ := os.ReadFile(protected)
	good := makeXLSX(t, map[string][][]any{"S": {{"name"}, {"web-01"}}}, []string{"S"}, excelize.Options{})
	goodData, _ := os.ReadFile(good)

	small := DefaultLimits
	small.MaxUnzipped = 1 << 20
	cases := []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"empty file", nil, DefaultLimits, "the file is empty"},
		{"only blank lines", []byte("\n\n  \n"), DefaultLimits, "the file is empty"},
		{"binary file", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), DefaultLimits, "binary data"},
		{"zip bomb", bomb.Bytes(), small, "more than the 1 MB limit"},
		{"word document", docx.Bytes(), DefaultLimits, "not an Excel workbook"},
		{"truncated workbook", goodData[:len(goodData)/2], DefaultLimits, "damaged"},
		{"password-protected workbook", protectedData, DefaultLimits, "password-protected"},
		{"damaged zip", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{1}, 100)...), DefaultLimits, "damaged"},
		{"too many rows", []byte(strings.Repeat("a\n", 11)), Limits{MaxFileBytes: 1 << 20, MaxUnzipped: 1 << 20, MaxRows: 10}, "more than 10 rows"},
		{"too big", []byte("a,b\n"), Limits{MaxFileBytes: 2, MaxRows: 10}, "limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "truncated workbook" && len(goodData) < 1000 {
				t.Fatalf("the workbook to truncate is only %d bytes", len(goodData))
			}
			_, err := ReadFile(writeFile(t, "in.xlsx", c.data), c.lim)
			if store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "in.xlsx: ") {
				t.Errorf("err = %v, want EInvalid naming the file and containing %q", err, c.want)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.csv"), DefaultLimits); !strings.Contains(err.Error(), "missing.csv: cannot open") {
		t.Errorf("missing file: %v", err)
	}
}

// TestCSVQuoteThatNeverCloses: a quoted cell left open would swallow every
// row after it into one cell; it is refused with the row where it opened.
// A stray quote inside an unquoted cell (a 5" disk) is read as it is.
func TestCSVQuoteThatNeverCloses(t *testing.T) {
	_, err := ReadFile(writeFile(t, "open.csv", []byte("Name,Owner\n\"web-01,张伟\ndb-01,李娜\ndb-02,王芳\n")), DefaultLimits)
	if store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "open.csv: row 2: a quoted cell is not closed") {
		t.Errorf("unterminated quote: %v", err)
	}
	_, err = ReadFile(writeFile(t, "mid.csv", []byte("Name,Owner\n\"web\"01,张伟\n")), DefaultLimits)
	if store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "mid.csv: row 2:") {
		t.Errorf("quote inside a quoted cell: %v", err)
	}
	book, err := ReadFile(writeFile(t, "inch.csv", []byte("Name,Size\ndisk,5\" floppy\nmulti,\"two\nlines\"\n")), DefaultLimits)
	if err != nil || len(book.Sheets[0].Rows) != 3 || book.Sheets[0].Rows[1][1] != `5" floppy` || book.Sheets[0].Rows[2][1] != "two\nlines" {
		t.Errorf("stray quote: %+v %v", book, err)
	}
}

var ciFields = []Field{
	{Key: "name", Names: []string{"Name", "名称", "配置项名称"}, Required: true},
	{Key: "type", Names: []string{"Type", "CI type", "类型"}, Required: true},
	{Key: "owner", Names: []string{"Owner", "负责人"}},
}

func TestFindHeaderSkipsTitleRowsAndFoldsText(t *testing.T) {
	table := Table{Rows: [][]string{
		{"XX银行 配置项清单"},
		{"导出日期：2026-11-01"},
		{},
		{"序号", " 配置项名称 ", "ＣＩ Type", "负责人", "CPU核数"},
		{"1", "db-01", "server", "张伟", "16"},
	}}
	m, ok := FindHeader(table, ciFields, nil)
	if !ok || m.HeaderRow != 4 {
		t.Fatalf("header row %d ok=%v", m.HeaderRow, ok)
	}
	want := map[string]int{"name": 1, "type": 2, "owner": 3}
	if !reflect.DeepEqual(m.Columns, want) || !reflect.DeepEqual(m.Extra, []int{0, 4}) {
		t.Errorf("columns %v extra %v", m.Columns, m.Extra)
	}
	if v, present := m.Cell(table.Rows[4], "owner"); v != "张伟" || !present {
		t.Errorf("owner cell = %q %v", v, present)
	}

	// An explicit mapping names a column the built-in names do not know.
	m, ok = FindHeader(Table{Rows: [][]string{{"设备", "种类"}}}, ciFields, map[string]string{"name": "设备", "type": "种类"})
	if !ok || m.Columns["name"] != 0 || m.Columns["type"] != 1 {
		t.Errorf("explicit mapping: %+v ok=%v", m, ok)
	}
	if _, ok := FindHeader(Table{Rows: [][]string{{"名称", "owner"}}}, ciFields, nil); ok {
		t.Error("header without the required type column accepted")
	}
}

func TestCellErrorNamesThePlace(t *testing.T) {
	cases := []struct {
		err  CellError
		want string
	}{
		{CellError{File: "cis.xlsx", Sheet: "配置项", Row: 14, Column: "状态", Reason: `"asleep" is not a status`}, `cis.xlsx: sheet "配置项", row 14, column "状态": "asleep" is not a status`},
		{CellError{File: "cis.csv", Row: 3, Reason: "duplicate"}, `cis.csv: row 3: duplicate`},
		{CellError{File: "cis.csv", Reason: "no header"}, `cis.csv: no header`},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
	if ColumnLetter(0) != "A" || ColumnLetter(25) != "Z" || ColumnLetter(26) != "AA" || ColumnLetter(701) != "ZZ" {
		t.Error("column letters wrong")
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("名称,类型\ndb-01,server\n"))
	f.Add([]byte("a;b;c\n\"x;y\";2;3\n"))
	f.Add([]byte{0xEF, 0xBB, 0xBF, 'a', ',', 'b'})
	f.Add([]byte{0xFF, 0xFE, 'a', 0, ',', 0})
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0})
	f.Add([]byte("\"unterminated\n"))
	lim := Limits{MaxFileBytes: 1 << 20, MaxUnzipped: 4 << 20, MaxRows: 1000}
	f.Fuzz(func(t *testing.T, data []byte) {
		book, err := Read("fuzz.csv", bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			if store.ErrorCode(err) != store.EInvalid || !strings.HasPrefix(err.Error(), "fuzz.csv: ") {
				t.Fatalf("error not for a person: %v", err)
			}
			return
		}
		if len(book.Sheets) == 0 {
			t.Fatal("no sheets and no error")
		}
	})
}

func FuzzFindHeader(f *testing.F) {
	f.Add("名称", "类型", "负责人", "name")
	f.Add(" ＣＩ Type ", "", "（名称）", "x")
	f.Fuzz(func(t *testing.T, a, b, c, explicit string) {
		table := Table{Rows: [][]string{{a, b, c}, {"1", "2", "3"}}}
		m, ok := FindHeader(table, ciFields, map[string]string{"name": explicit})
		used := map[int]bool{}
		for _, i := range m.Columns {
			if i < 0 || i > 2 || used[i] {
				t.Fatalf("bad mapping %+v", m.Columns)
			}
			used[i] = true
		}
		if ok && len(m.Missing(ciFields)) != 0 {
			t.Fatal("ok with missing required fields")
		}
	})
}

func TestStreamSkipsWhatTheReaderDoesNotTake(t *testing.T) {
	rows := make([][]any, 2000)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("r%d", i+1)}
	}
	path := makeXLSX(t, map[string][][]any{"A": rows, "B": {{"b1"}, {"b2"}}}, []string{"A", "B"})
	var got []string
	err := StreamFile(path, DefaultLimits, func(st *Stream) error {
		row, ok := st.Next() // take one row of each sheet and stop
		if ok {
			got = append(got, fmt.Sprintf("%s:%d:%s", st.Name, st.Row(), row[0]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []string{"A:1:r1", "B:1:b1"}) {
		t.Errorf("got %v", got)
	}
	// A row limit hit while streaming is reported even if the reader
	// stopped looking.
	err = StreamFile(path, Limits{MaxFileBytes: 1 << 30, MaxUnzipped: 1 << 30, MaxRows: 100}, func(st *Stream) error {
		for _, ok := st.Next(); ok; _, ok = st.Next() {
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "more than 100 rows") {
		t.Errorf("row limit: %v", err)
	}
}

// FuzzFold: Fold with its shortcuts says what the plain definition says —
// width folded, lower-cased, separators dropped — for any text.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"CI Type", "ci_type", "ＣＩ类型", " 类型 ", "server", "srv-000001 服务器1", "ｶﾀｶﾅ", "İSTANBUL", "\u3000a", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		for _, r := range strings.ToLower(width.Fold.String(s)) {
			if !foldSeparator(r) {
				b.WriteRune(r)
			}
		}
		if got, want := Fold(s), b.String(); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}
