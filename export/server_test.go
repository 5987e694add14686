package export

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/internal/pgtest"
	"servicebook/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestWorkbookSameFromServer: the sample records copied onto a PostgreSQL
// server give the same workbook, cell for cell in both languages, as the
// file they came from: the printouts for the off-site safe do not depend
// on where the records are kept.
func TestWorkbookSameFromServer(t *testing.T) {
	ctx := context.Background()
	src, file := sampleRecords(t)
	server := store.MustOpenServer(t)
	if _, err := store.Copy(ctx, file, server, false); err != nil {
		t.Fatal(err)
	}
	cm, err := cmdb.NewStore(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	bs := budget.NewStore(server, cm)
	onServer := Sources{CMDB: cm, Continuity: continuity.NewStore(server, cm), Budget: bs, Capacity: capacity.NewStore(server, cm)}
	position, _ := file.ChangeLogPosition(ctx)
	for _, lang := range []string{"en", "zh"} {
		opt := WorkbookOptions{Lang: lang, AsOf: workbookAsOf, Version: "test", ChangeLogPosition: position}
		fromFile, err := WorkbookBytes(ctx, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		fromServer, err := WorkbookBytes(ctx, onServer, opt)
		if err != nil {
			t.Fatal(err)
		}
		a, err := excelize.OpenReader(bytes.NewReader(fromFile))
		if err != nil {
			t.Fatal(err)
		}
		b, err := excelize.OpenReader(bytes.NewReader(fromServer))
		if err != nil {
			t.Fatal(err)
		}
		sheets := a.GetSheetList()
		if got := b.GetSheetList(); len(got) != len(sheets) {
			t.Fatalf("%s: sheets %v from the server, %v from the file", lang, got, sheets)
		}
		cells := 0
		for _, sh := range sheets {
			want, _ := a.GetRows(sh)
			got, _ := b.GetRows(sh)
			if len(got) != len(want) {
				t.Errorf("%s, sheet %s: %d rows from the server, %d from the file", lang, sh, len(got), len(want))
				continue
			}
			for r := range want {
				for c := range want[r] {
					cells++
					if c >= len(got[r]) || got[r][c] != want[r][c] {
						t.Errorf("%s, sheet %s, row %d, column %d: %q from the server, %q from the file", lang, sh, r+1, c+1, at(got[r], c), want[r][c])
					}
				}
			}
		}
		if cells < 1000 {
			t.Errorf("%s: only %d cells compared", lang, cells)
		}
	}
}

func at(row []string, c int) string {
	if c < len(row) {
		return row[c]
	}
	return ""
}
