// Package sheet reads the spreadsheets people bring in — XLSX workbooks and
// CSV files in the encodings Excel writes on Chinese and English Windows —
// into plain rows of text, and maps their header rows to the fields an
// importer knows. It refuses what it cannot read safely (password-protected
// or legacy workbooks, zip bombs, binary files) with a message a person can
// act on.
package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"servicebook/store"
)

// Table is one sheet (or a whole CSV file) as rows of cell text. Rows keep
// their position: Rows[i] is spreadsheet row i+1, empty rows included.
type Table struct {
	Name string // sheet name; "" for CSV
	Rows [][]string
}

// Book is a file that was read: its sheets in workbook order.
type Book struct {
	File   string // base name, as it appears in messages
	Sheets []Table
}

// Limits bound what a file may cost to read.
type Limits struct {
	MaxFileBytes int64 // size of the file on disk
	MaxUnzipped  int64 // total uncompressed size of an XLSX's parts
	MaxRows      int   // rows over all sheets
	// MaxSharedStrings bounds the shared-strings part, which the reader
	// holds in memory whole.
	MaxSharedStrings int64
	// MaxRatio is how much a large part (over 32 MB unpacked) may expand:
	// spreadsheet XML packs about 10:1; a bomb packs a thousand to one.
	MaxRatio int64
	// MaxCellBytes bounds one cell's text (Excel's own limit is 32,767
	// characters) and one CSV line.
	MaxCellBytes int
}

// DefaultLimits fit every real finance or CMDB spreadsheet we have seen with
// room to spare, and stop a zip bomb long before it fills memory.
var DefaultLimits = Limits{
	MaxFileBytes:     256 << 20,
	MaxUnzipped:      2 << 30,
	MaxRows:          2_000_000,
	MaxSharedStrings: 128 << 20,
	MaxRatio:         200,
	MaxCellBytes:     256 << 10,
}

var (
	zipMagic = []byte("PK\x03\x04")
	cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// ReadFile reads an XLSX workbook or a CSV file, deciding by its content
// rather than its name.
func ReadFile(path string, lim Limits) (*Book, error) {
	book := &Book{File: filepath.Base(path)}
	if err := StreamFile(path, lim, book.collect); err != nil {
		return nil, err
	}
	return book, nil
}

// collect adds a streamed sheet to the book, whole.
func (b *Book) collect(st *Stream) error {
	t := Table{Name: st.Name}
	for row, ok := st.Next(); ok; row, ok = st.Next() {
		t.Rows = append(t.Rows, row)
	}
	b.Sheets = append(b.Sheets, t)
	return nil
}

// StreamFile reads an XLSX workbook or a CSV file and hands each sheet, in
// workbook order, to fn while its rows are still being read: parsing the
// XLSX runs on one core while fn works on the other, which is what makes a
// 100k-row import cost little more than reading the file. fn may stop
// early; the rest of the sheet is then skipped. Errors name the file.
func StreamFile(path string, lim Limits, fn func(*Stream) error) error {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return store.Errorf(store.EInvalid, "%s: cannot open: %v", name, unwrapPathError(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return store.Errorf(store.EInvalid, "%s: cannot read: %v", name, err)
	}
	if info.IsDir() {
		return store.Errorf(store.EInvalid, "%s: is a folder, not a spreadsheet", name)
	}
	if info.Size() > lim.MaxFileBytes {
		return store.Errorf(store.EInvalid, "%s: is %d MB; the limit is %d MB", name, info.Size()>>20, lim.MaxFileBytes>>20)
	}
	return stream(name, f, info.Size(), lim, fn)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Read reads a spreadsheet of the given size from r; name is used in messages.
func Read(name string, r io.ReaderAt, size int64, lim Limits) (*Book, error) {
	book := &Book{File: name}
	if err := stream(name, r, size, lim, book.collect); err != nil {
		return nil, err
	}
	return book, nil
}

func stream(name string, r io.ReaderAt, size int64, lim Limits, fn func(*Stream) error) error {
	head := make([]byte, 8)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case size == 0:
		return store.Errorf(store.EInvalid, "%s: the file is empty", name)
	case bytes.HasPrefix(head, zipMagic):
		return streamXLSX(name, r, size, lim, fn)
	case bytes.HasPrefix(head, cfbMagic):
		return describeCFB(name, r)
	}
	if size > lim.MaxFileBytes {
		return store.Errorf(store.EInvalid, "%s: is %d MB; the limit is %d MB", name, size>>20, lim.MaxFileBytes>>20)
	}
	// Read into a buffer of the file's size: io.ReadAll would grow one to
	// twice that.
	data := make([]byte, size)
	_, err := io.ReadFull(io.NewSectionReader(r, 0, size), data)
	if err != nil {
		return store.Errorf(store.EInvalid, "%s: cannot read: %v", name, err)
	}
	t, err := ParseCSV(name, data, lim)
	if err != nil {
		return err
	}
	return fn(TableStream(name, t))
}

// Stream is one sheet whose rows arrive while the file is still being read.
type Stream struct {
	File string
	Name string // sheet name; "" for CSV
	next func() ([]string, bool)
	row  int
}

// Next returns the next row and true, or nil and false after the last row.
// Rows keep their position: the n-th call returns spreadsheet row n.
func (s *Stream) Next() ([]string, bool) {
	row, ok := s.next()
	if ok {
		s.row++
	}
	return row, ok
}

// Row returns the 1-based number of the row Next returned last.
func (s *Stream) Row() int { return s.row }

// TableStream streams a table already in memory.
func TableStream(file string, t Table) *Stream {
	i := 0
	return &Stream{File: file, Name: t.Name, next: func() ([]string, bool) {
		if i >= len(t.Rows) {
			return nil, false
		}
		i++
		return t.Rows[i-1], true
	}}
}

// describeCFB explains an OLE2 compound file: Excel stores a
// password-protected .xlsx in this container, and it is also the old .xls
// format. Neither can be read without the person's help.
func describeCFB(name string, r io.ReaderAt) error {
	doc, err := mscfb.New(r)
	if err == nil {
		for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
			if entry.Name == "EncryptionInfo" || entry.Name == "EncryptedPackage" {
				return store.Errorf(store.EInvalid, "%s: the workbook is password-protected; open it in Excel, remove the password (File > Info > Protect Workbook) and save it again", name)
			}
		}
	}
	return store.Errorf(store.EInvalid, "%s: is an old Excel 97–2003 (.xls) or other Office file; save it as an Excel workbook (.xlsx) or CSV and import that", name)
}

func streamXLSX(name string, r io.ReaderAt, size int64, lim Limits, fn func(*Stream) error) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return store.Errorf(store.EInvalid, "%s: is damaged or not an Excel workbook (%v)", name, err)
	}
	var total uint64
	hasWorkbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.Name == "xl/workbook.xml" {
			hasWorkbook = true
		}
	}
	if !hasWorkbook {
		return store.Errorf(store.EInvalid, "%s: is a zip archive but not an Excel workbook", name)
	}
	// The sizes in the zip directory can lie; excelize's own limit below
	// stops a bomb that understates them.
	if total > uint64(lim.MaxUnzipped) {
		return store.Errorf(store.EInvalid, "%s: unpacks to %d MB, more than the %d MB limit; is it really a spreadsheet?", name, total>>20, lim.MaxUnzipped>>20)
	}
	for _, f := range zr.File {
		switch {
		case f.Name == "xl/sharedStrings.xml" && lim.MaxSharedStrings > 0 && f.UncompressedSize64 > uint64(lim.MaxSharedStrings):
			return store.Errorf(store.EInvalid, "%s: its shared text unpacks to %d MB, more than the %d MB limit", name, f.UncompressedSize64>>20, lim.MaxSharedStrings>>20)
		case lim.MaxRatio > 0 && f.UncompressedSize64 > 32<<20 && f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1):
			return store.Errorf(store.EInvalid, "%s: part %s unpacks %d times its packed size (the limit is %d); it looks like a zip bomb, not a spreadsheet",
				name, f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), lim.MaxRatio)
		}
	}
	// The checksums and the sheets' XML are checked beside the read, on the
	// other core: rows reach fn before the check ends, so callers write into
	// a transaction that they commit only when this returns without error.
	verified := make(chan error, 1)
	damaged := make(chan struct{}) // closed when the check fails: the read stops
	go func() {
		err := verifyParts(name, zr, lim.MaxCellBytes)
		if err != nil {
			close(damaged)
		}
		verified <- err
	}()
	err = readWorkbook(name, r, size, lim, fn, damaged)
	if verr := <-verified; verr != nil {
		return verr // the damage explains whatever the read made of it
	}
	return err
}

// tmpPrefix names the private folders in which excelize keeps its copies
// of large sheets while they are read.
const tmpPrefix = "servicebook-read-"

// privateTempDir makes a folder for one read's temporary files, and removes
// those that reads killed earlier left behind (ours only, an hour old).
func privateTempDir() (string, error) {
	if old, err := filepath.Glob(filepath.Join(os.TempDir(), tmpPrefix+"*")); err == nil {
		for _, d := range old {
			if info, err := os.Stat(d); err == nil && info.IsDir() && time.Since(info.ModTime()) > time.Hour {
				os.RemoveAll(d)
			}
		}
	}
	return os.MkdirTemp("", tmpPrefix+"*")
}

func readWorkbook(name string, r io.ReaderAt, size int64, lim Limits, fn func(*Stream) error, damaged <-chan struct{}) error {
	tmp, err := privateTempDir()
	if err != nil {
		return store.Errorf(store.EInvalid, "%s: cannot make a temporary folder to read it in: %v", name, err)
	}
	defer os.RemoveAll(tmp)
	xf, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		TmpDir:            tmp,
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: min(lim.MaxUnzipped, 64<<20),
	})
	if err != nil {
		return store.Errorf(store.EInvalid, "%s: cannot be read as an Excel workbook (%v)", name, err)
	}
	defer xf.Close()
	rowsLeft := lim.MaxRows
	for _, sheetName := range xf.GetSheetList() {
		if err := streamSheet(xf, name, sheetName, &rowsLeft, lim.MaxRows, fn, damaged); err != nil {
			return err
		}
	}
	return nil
}

// streamSheet reads one sheet in a goroutine, in batches so that the hand
// over costs nothing next to the parsing, and gives fn a Stream over them.
func streamSheet(xf *excelize.File, file, sheetName string, rowsLeft *int, maxRows int, fn func(*Stream) error, damaged <-chan struct{}) error {
	rows, err := xf.Rows(sheetName)
	if err != nil {
		return store.Errorf(store.EInvalid, "%s: sheet %q cannot be read (%v)", file, sheetName, err)
	}
	const batchSize = 256
	batches := make(chan [][]string, 16)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(batches)
		defer rows.Close()
		batch := make([][]string, 0, batchSize)
		n := 0
		for rows.Next() {
			select {
			case <-damaged:
				return // the check found the file damaged: reading on is waste
			default:
			}
			if *rowsLeft <= 0 {
				readErr = store.Errorf(store.EInvalid, "%s: has more than %d rows; split it into smaller files", file, maxRows)
				return
			}
			*rowsLeft--
			n++
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				readErr = store.Errorf(store.EInvalid, "%s: sheet %q, row %d cannot be read (%v)", file, sheetName, n, err)
				return
			}
			if batch = append(batch, cols); len(batch) == batchSize {
				select {
				case batches <- batch:
				case <-stop:
					return
				}
				batch = make([][]string, 0, batchSize)
			}
		}
		if err := rows.Error(); err != nil {
			readErr = store.Errorf(store.EInvalid, "%s: sheet %q cannot be read (%v)", file, sheetName, err)
			return
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-stop:
			}
		}
	}()
	var current [][]string
	pos := 0
	st := &Stream{File: file, Name: sheetName, next: func() ([]string, bool) {
		for pos >= len(current) {
			b, ok := <-batches
			if !ok {
				return nil, false
			}
			current, pos = b, 0
		}
		pos++
		return current[pos-1], true
	}}
	fnErr := fn(st)
	close(stop)
	for range batches { // let the reader finish before its error is read
	}
	if readErr != nil {
		return readErr
	}
	return fnErr
}

// ShownProblems is how many problems of one import are listed; the rest
// are counted. A hostile file can hold millions of bad rows.
const ShownProblems = 100

// FirstProblems returns the problems to list and how many are not listed.
func FirstProblems(all []CellError) ([]CellError, int) {
	if len(all) <= ShownProblems {
		return all, 0
	}
	return all[:ShownProblems], len(all) - ShownProblems
}

// CellError names the place of a problem in an imported file the way a
// person looks for it: file, sheet, row number as Excel shows it, and the
// column's header.
type CellError struct {
	File   string
	Sheet  string    // "" for CSV
	Row    int       // 1-based, as the spreadsheet shows it; 0 when the whole file is meant
	Column string    // the column's header text; "" when the whole row is meant
	Reason string    // in English
	Msg    store.Msg // the reason, for translation; Key is empty where there is none
}

func (e CellError) Error() string {
	var place []string
	if e.Sheet != "" {
		place = append(place, fmt.Sprintf("sheet %q", e.Sheet))
	}
	if e.Row > 0 {
		place = append(place, fmt.Sprintf("row %d", e.Row))
	}
	if e.Column != "" {
		place = append(place, fmt.Sprintf("column %q", e.Column))
	}
	if len(place) == 0 {
		return e.File + ": " + e.Reason
	}
	return e.File + ": " + strings.Join(place, ", ") + ": " + e.Reason
}
