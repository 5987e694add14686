package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicebook/store"
)

// workbookOf writes a workbook of n server rows under a header.
func workbookOf(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "设备")
	f.SetSheetRow("设备", "A1", &[]any{"Type", "Name"})
	for i := 2; i <= n+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		f.SetSheetRow("设备", cell, &[]any{"server", fmt.Sprintf("srv-%05d", i)})
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rezip rewrites a workbook, changing a part, and storing parts
// uncompressed when store is set (so that a byte can be flipped in place).
func rezip(t *testing.T, data []byte, change func(name string, body []byte) []byte, stored bool) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate}
		if stored {
			h.Method = zip.Store
		}
		w, _ := zw.CreateHeader(h)
		w.Write(change(f.Name, body))
	}
	zw.Close()
	return out.Bytes()
}

func countRows(t *testing.T, path string) (int, error) {
	n := 0
	err := StreamFile(path, DefaultLimits, func(s *Stream) error {
		for _, ok := s.Next(); ok; _, ok = s.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// TestDamagedWorkbookIsRefusedWhole: a sheet whose XML breaks at row
// 1,001 of 2,001, and a workbook with a part that fails its checksum, are
// refused with the sheet, the row or the part — never read as a shorter
// sheet or with a corrupted value.
func TestDamagedWorkbookIsRefusedWhole(t *testing.T) {
	data := workbookOf(t, 2000)
	broken := rezip(t, data, func(name string, b []byte) []byte {
		if name != "xl/worksheets/sheet1.xml" {
			return b
		}
		i := bytes.Index(b, []byte(`<row r="1001"`))
		return append(append([]byte{}, b[:i+20]...), "<<garbage"...)
	}, false)
	// Rows may reach the caller while the check runs on the other core;
	// the error that ends the read makes the caller roll them back.
	_, err := countRows(t, writeFile(t, "broken.xlsx", broken))
	if store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), `broken.xlsx: is damaged: sheet "设备" breaks after row 1001`) {
		t.Errorf("broken sheet XML: %v", err)
	}
	cut := rezip(t, data, func(name string, b []byte) []byte {
		if name != "xl/worksheets/sheet1.xml" {
			return b
		}
		return b[:len(b)/2]
	}, false)
	if _, err := countRows(t, writeFile(t, "cut.xlsx", cut)); store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("a sheet cut in half: %v", err)
	}
	stored := rezip(t, data, func(_ string, b []byte) []byte { return b }, true)
	i := bytes.Index(stored, []byte("srv-01500"))
	stored[i+4] = 'X' // the value changes, the part's checksum does not
	_, err = countRows(t, writeFile(t, "crc.xlsx", stored))
	if store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "crc.xlsx: is damaged: part xl/sharedStrings.xml fails its checksum") {
		t.Errorf("a part failing its checksum: %v", err)
	}
	if n, err := countRows(t, writeFile(t, "good.xlsx", data)); err != nil || n != 2001 {
		t.Errorf("the good workbook: %d rows, %v", n, err)
	}
}
