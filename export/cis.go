// Package export writes servicebook's records out for people and other
// programs: XLSX workbooks for finance and CMDB owners, CSV for scripts,
// and (with later issues) PDF plans for the off-site safe. Every workbook it
// writes can be read back by the matching importer.
package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
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

// CIs writes CIs and their relations to path: an XLSX workbook with a
// "CIs" and a "Relations" sheet, or, for a .csv path, a CSV of the CIs and a
// second CSV beside it (NAME-relations.csv) of the relations. It returns the
// paths written.
func CIs(path string, types []cmdb.Type, cis []cmdb.CI, rels []cmdb.Relation) ([]string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		return []string{path}, ciWorkbook(path, types, cis, rels)
	case ".csv":
		header, keys := ciHeader(types)
		rows := make([][]string, 0, len(cis)+1)
		rows = append(rows, header)
		for _, c := range cis {
			rows = append(rows, ciRow(c, keys))
		}
		if err := writeCSV(path, rows); err != nil {
			return nil, err
		}
		relPath := Paths(path)[1]
		relRows := [][]string{relationHeader}
		for _, r := range rels {
			relRows = append(relRows, relationRow(r))
		}
		return []string{path, relPath}, writeCSV(relPath, relRows)
	}
	return nil, store.Errorf(store.EInvalid, "%s: choose a file name ending in .xlsx or .csv", path)
}

// writeCSV writes UTF-8 with a byte-order mark: without it, Excel on Chinese
// Windows reads the file as GBK and shows Chinese as mojibake. A value that
// a spreadsheet would run as a formula (it begins with = + - @, a tab or a
// carriage return) is written after a single quote, as OWASP advises for
// CSV injection; the importer removes that quote again.
func writeCSV(path string, rows [][]string) error {
	for _, row := range rows {
		for i, v := range row {
			row[i] = sheet.NeutraliseFormula(v)
		}
	}
	var buf bytes.Buffer
	buf.Write([]byte{0xEF, 0xBB, 0xBF})
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return writeFileAtomically(path, buf.Bytes())
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

func ciWorkbook(path string, types []cmdb.Type, cis []cmdb.CI, rels []cmdb.Relation) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "CIs")
	if _, err := f.NewSheet("Relations"); err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F0"}}})
	if err != nil {
		return err
	}
	dateFormat := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return err
	}
	header, keys := ciHeader(types)
	kinds := attrKinds(types)
	ciRows := make([][]any, len(cis))
	for i, c := range cis {
		ciRows[i] = ciCells(c, keys, kinds, dateStyle)
	}
	relRows := make([][]any, len(rels))
	for i, r := range rels {
		row := relationRow(r)
		relRows[i] = make([]any, len(row))
		for j, v := range row {
			relRows[i][j] = v
		}
	}
	if err := streamSheet(f, "CIs", header, ciRows, headStyle); err != nil {
		return err
	}
	if err := streamSheet(f, "Relations", relationHeader, relRows, headStyle); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	return writeFileAtomically(path, buf.Bytes())
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
	cells := []any{c.Ref, c.TypeKey, c.Name, c.Description, c.Status.Label(), c.Criticality, c.Owner, c.Location, c.Version}
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
func streamSheet(f *excelize.File, name string, header []string, rows [][]any, headStyle int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i := range header {
		width := 14.0
		if i == 2 || i == 3 { // name and description
			width = 36
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{Value: h, StyleID: headStyle}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(header), max(len(rows), 1)+1)
	stripes := false
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: strings.ReplaceAll(name, " ", "_"), StyleName: "TableStyleLight1",
		ShowRowStripes: &stripes}); err != nil {
		return fmt.Errorf("filter on %s: %w", name, err)
	}
	return sw.Flush()
}
