// Package export writes servicebook's records out for people and other
// programs: XLSX workbooks for finance and CMDB owners, CSV for scripts,
// and (with later issues) PDF plans for the off-site safe. Every workbook it
// writes can be read back by the matching importer.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"servicebook/cmdb"
	"servicebook/internal/safefile"
	"servicebook/sheet"
	"servicebook/store"
)

// ciHeader returns the header row of a CI export and, for each attribute
// column, the attribute key it holds. Headers are the English names the
// importer recognises; attribute columns are the union over all types, one
// column per attribute name, in type order.
func ciHeader(types []cmdb.Type) (header []string, attrKeys []string) {
	header = []string{"Reference", "Type", "Name", "Description", "Status", "Criticality", "Owner", "Location", "Version"}
	seen := map[string]bool{}
	for _, t := range types {
		for _, a := range t.Attributes {
			if !seen[a.Name] {
				seen[a.Name] = true
				header = append(header, a.Name)
				attrKeys = append(attrKeys, a.Key)
			}
		}
	}
	return header, attrKeys
}

func ciRow(c cmdb.CI, attrKeys []string) []string {
	row := []string{c.Ref, c.TypeKey, c.Name, c.Description, c.Status.Label(), strconv.Itoa(c.Criticality),
		c.Owner, c.Location, c.Version}
	for _, k := range attrKeys {
		row = append(row, c.Attributes[k])
	}
	return row
}

var relationHeader = []string{"From", "Kind", "To", "Redundancy group"}

func relationRow(r cmdb.Relation) []string {
	return []string{r.FromRef, r.Kind.Label(), r.ToRef, r.Group}
}

// Paths returns the files CIs writes for path: path itself and, for a CSV,
// the relations file beside it.
func Paths(path string) []string {
	if strings.ToLower(filepath.Ext(path)) == ".csv" {
		return []string{path, strings.TrimSuffix(path, filepath.Ext(path)) + "-relations.csv"}
	}
	return []string{path}
}

// CISource is what a CI export reads: the CI types, then every CI and
// every relation, one at a time, so that a 100k-CI CMDB is never held in
// memory whole. *cmdb.Store is one.
type CISource interface {
	Types(ctx context.Context) ([]cmdb.Type, error)
	EachCI(ctx context.Context, fn func(cmdb.CI) error) error
	EachRelation(ctx context.Context, fn func(cmdb.Relation) error) error
}

// CIExport is what CIs wrote.
type CIExport struct {
	Paths          []string
	CIs, Relations int
}

// CIs writes every CI and relation of src to path: an XLSX workbook with a
// "CIs" and a "Relations" sheet, or, for a .csv path, a CSV of the CIs and
// a second CSV beside it (NAME-relations.csv) of the relations.
func CIs(ctx context.Context, path string, src CISource) (CIExport, error) {
	types, err := src.Types(ctx)
	if err != nil {
		return CIExport{}, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		return ciWorkbook(ctx, path, types, src)
	case ".csv":
		header, keys := ciHeader(types)
		out := CIExport{Paths: Paths(path)}
		err := writeCSV(path, header, func(put func([]string) error) error {
			return src.EachCI(ctx, func(c cmdb.CI) error {
				out.CIs++
				return put(ciRow(c, keys))
			})
		})
		if err != nil {
			return out, err
		}
		return out, writeCSV(out.Paths[1], relationHeader, func(put func([]string) error) error {
			return src.EachRelation(ctx, func(r cmdb.Relation) error {
				out.Relations++
				return put(relationRow(r))
			})
		})
	}
	return CIExport{}, store.Errorf(store.EInvalid, "%s: choose a file name ending in .xlsx or .csv", path)
}

// writeCSV writes UTF-8 with a byte-order mark: without it, Excel on Chinese
// Windows reads the file as GBK and shows Chinese as mojibake. A value that
// a spreadsheet would run as a formula (it begins with = + - @, a tab or a
// carriage return) is written after a single quote, as OWASP advises for
// CSV injection; the importer removes that quote again. The header comes
// first, then the rows rows hands over.
func writeCSV(path string, header []string, rows func(put func([]string) error) error) error {
	err := safefile.Write(path, func(f *os.File) error {
		b := bufio.NewWriterSize(f, 1<<16)
		b.Write([]byte{0xEF, 0xBB, 0xBF})
		w := csv.NewWriter(b)
		w.UseCRLF = true
		put := func(row []string) error {
			for i, v := range row {
				row[i] = sheet.NeutraliseFormula(v)
			}
			return w.Write(row)
		}
		if err := put(slices.Clone(header)); err != nil {
			return err
		}
		if err := rows(put); err != nil {
			return err
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		return b.Flush()
	})
	if err != nil {
		return store.Errorf(store.EInvalid, "%v", err)
	}
	return nil
}

// writeFileAtomically writes through a temporary file, synced, and a
// rename (safefile), so that a failed export never destroys the previous
// good one nor leaves a half-written file under the chosen name.
func writeFileAtomically(path string, data []byte) error {
	if err := safefile.WriteFile(path, data); err != nil {
		return store.Errorf(store.EInvalid, "%v", err)
	}
	return nil
}

func ciWorkbook(ctx context.Context, path string, types []cmdb.Type, src CISource) (CIExport, error) {
	out := CIExport{Paths: []string{path}}
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "CIs")
	if _, err := f.NewSheet("Relations"); err != nil {
		return out, err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F0"}}})
	if err != nil {
		return out, err
	}
	dateFormat := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return out, err
	}
	header, keys := ciHeader(types)
	kinds := attrKinds(types)
	out.CIs, err = streamSheet(f, "CIs", header, func(put func([]any) error) error {
		return src.EachCI(ctx, func(c cmdb.CI) error { return put(ciCells(c, keys, kinds, dateStyle)) })
	}, headStyle)
	if err != nil {
		return out, err
	}
	cells := make([]any, len(relationHeader))
	out.Relations, err = streamSheet(f, "Relations", relationHeader, func(put func([]any) error) error {
		return src.EachRelation(ctx, func(r cmdb.Relation) error {
			for i, v := range relationRow(r) {
				cells[i] = nil // a relation without a group has no group cell
				if v != "" {
					cells[i] = v
				}
			}
			return put(cells)
		})
	}, headStyle)
	if err != nil {
		return out, err
	}
	if err := safefile.Write(path, func(file *os.File) error { return f.Write(file) }); err != nil {
		return out, store.Errorf(store.EInvalid, "%v", err)
	}
	return out, nil
}

// attrKinds is the kind of each attribute key, as the types define it.
func attrKinds(types []cmdb.Type) map[string]cmdb.AttrKind {
	kinds := map[string]cmdb.AttrKind{}
	for _, t := range types {
		for _, a := range t.Attributes {
			if _, seen := kinds[a.Key]; !seen {
				kinds[a.Key] = a.Kind
			}
		}
	}
	return kinds
}

// ciCells is a CI's row as typed cells: criticality and number attributes
// as numbers, dates as dates, yes/no as booleans, so that a spreadsheet can
// sum, sort and filter them. The importer reads each back unchanged.
func ciCells(c cmdb.CI, attrKeys []string, kinds map[string]cmdb.AttrKind, dateStyle int) []any {
	cells := []any{c.Ref, c.TypeKey, c.Name, text(c.Description), c.Status.Label(), c.Criticality, text(c.Owner), text(c.Location), text(c.Version)}
	for _, k := range attrKeys {
		v := c.Attributes[k]
		var cell any = v
		switch {
		case v == "":
			cell = nil // no cell at all, rather than an empty text
		case kinds[k] == cmdb.AttrNumber:
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				cell = f
			}
		case kinds[k] == cmdb.AttrDate:
			if d, err := time.Parse(time.DateOnly, v); err == nil {
				cell = excelize.Cell{StyleID: dateStyle, Value: d}
			}
		case kinds[k] == cmdb.AttrBool:
			switch v {
			case "yes":
				cell = true
			case "no":
				cell = false
			}
		}
		cells = append(cells, cell)
	}
	return cells
}

// streamSheet writes a header and rows with the stream writer (100k rows in
// about a second), freezes the header row, and makes the range a table so
// that it has filter buttons: an autofilter set after a stream writer is
// lost (the defined name is written, the sheet's filter is not).
func streamSheet(f *excelize.File, name string, header []string, rows func(put func([]any) error) error, headStyle int) (n int, err error) {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return 0, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	for i := range header {
		width := 14.0
		if i == 2 || i == 3 { // name and description
			width = 36
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return 0, err
		}
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{Value: h, StyleID: headStyle}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return 0, err
	}
	err = rows(func(row []any) error {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n+1)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return n, err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), max(n, 1)+1)
	stripes := false
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: strings.ReplaceAll(name, " ", "_"), StyleName: "TableStyleLight1",
		ShowRowStripes: &stripes}); err != nil {
		return n, fmt.Errorf("filter on %s: %w", name, err)
	}
	return n, sw.Flush()
}
