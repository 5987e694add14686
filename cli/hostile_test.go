package cli

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// hostileMemoryBound is the most memory (peak resident set) a servicebook
// process may use to refuse any of the hostile files below; the README
// states it.
const hostileMemoryBound = 400 << 20

// xlsxWith writes a workbook whose sheet1.xml (or sharedStrings.xml) is
// produced by body, streamed so that the test itself stays small.
func xlsxWith(t *testing.T, path string, part string, body func(w io.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	write := func(name, text string) {
		w, _ := zw.Create(name)
		io.WriteString(w, text)
	}
	write("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	write("_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	write("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="CIs" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	write("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, _ := zw.Create(part)
	bw := bufio.NewWriterSize(w, 1<<20)
	body(bw)
	bw.Flush()
	if part != "xl/worksheets/sheet1.xml" {
		write("xl/worksheets/sheet1.xml", `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Type</t></is></c></row></sheetData></worksheet>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

const sheetHead = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>Type</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>`

// TestHostileFilesAreRefusedWithinTheMemoryBound runs the import of each
// hostile file in its own process and checks the refusal and the
// process's peak memory.
func TestHostileFilesAreRefusedWithinTheMemoryBound(t *testing.T) {
	if os.Getenv("SERVICEBOOK_CHILD_ARGS") != "" {
		return
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "--create", "check")
	spaces := bytes.Repeat([]byte(" "), 1<<20)
	cases := []struct {
		name, file, want string
		make             func(path string)
	}{
		{"whitespace bomb", "spaces.xlsx", "looks like a zip bomb", func(p string) {
			xlsxWith(t, p, "xl/worksheets/sheet1.xml", func(w io.Writer) {
				io.WriteString(w, sheetHead)
				for i := 0; i < 600; i++ { // 600 MB of spaces between two rows
					w.Write(spaces)
				}
				io.WriteString(w, `</sheetData></worksheet>`)
			})
		}},
		{"one huge cell", "cell.xlsx", "holds a cell or text of more than 256 KB", func(p string) {
			xlsxWith(t, p, "xl/worksheets/sheet1.xml", func(w io.Writer) {
				io.WriteString(w, sheetHead+`<row r="2"><c r="A2" t="inlineStr"><is><t>server</t></is></c><c r="B2" t="inlineStr"><is><t>`)
				random := make([]byte, 3<<20)
				for i := 0; i < 20; i++ { // 80 MB of text that does not pack
					rand.Read(random)
					io.WriteString(w, base64.StdEncoding.EncodeToString(random))
				}
				io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
			})
		}},
		{"shared strings bomb", "strings.xlsx", "its shared text unpacks to 1199 MB, more than the 128 MB limit", func(p string) {
			xlsxWith(t, p, "xl/sharedStrings.xml", func(w io.Writer) {
				io.WriteString(w, `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
				for i := 0; i < 1200; i++ { // 1.2 GB of one string, repeated
					io.WriteString(w, "<si><t>"+strings.Repeat("A", 1<<20-20)+"</t></si>")
				}
				io.WriteString(w, `</sst>`)
			})
		}},
		{"one endless CSV line", "line.csv", "is longer than 4 MB", func(p string) {
			f, _ := os.Create(p)
			bw := bufio.NewWriter(f)
			bw.WriteString("Type,Name\nserver,")
			for i := 0; i < 100; i++ { // 100 MB on one line
				bw.Write(bytes.Repeat([]byte("x"), 1<<20))
			}
			bw.WriteString("\n")
			bw.Flush()
			f.Close()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			c.make(path)
			defer os.Remove(path)
			cmd := child("--db", db, "import", "cis", path, "--dry-run")
			peakFile := filepath.Join(t.TempDir(), "status")
			cmd.Env = append(cmd.Env, "SERVICEBOOK_CHILD_PEAK_FILE="+peakFile)
			out, _ := cmd.CombinedOutput()
			rss := peakOf(t, peakFile)
			t.Logf("%s: exit %d, peak memory %d MB", c.name, cmd.ProcessState.ExitCode(), rss>>20)
			if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), c.want) {
				t.Errorf("%s: exit %d\n%s", c.name, cmd.ProcessState.ExitCode(), out)
			}
			if rss > hostileMemoryBound {
				t.Errorf("%s took %d MB, more than the %d MB bound", c.name, rss>>20, hostileMemoryBound>>20)
			}
		})
	}
}

// peakOf reads the peak resident memory (VmHWM) from a /proc status file
// the child wrote.
func peakOf(t *testing.T, path string) int64 {
	status, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the child did not say its peak memory: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	t.Fatalf("no VmHWM in %s", path)
	return 0
}
