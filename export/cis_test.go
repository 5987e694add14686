package export

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/store"
)

func demoStore(t *testing.T) (*cmdb.Store, []cmdb.CI, []cmdb.Relation) {
	t.Helper()
	ctx := context.Background()
	s, err := cmdb.NewStore(ctx, store.MustOpen(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Organisation(ctx, s); err != nil {
		t.Fatal(err)
	}
	cis, _, _ := s.ListCIs(ctx, cmdb.Filter{})
	rels, err := s.AllRelations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s, cis, rels
}

func TestCIWorkbookReadsBackAndReimportsUnchanged(t *testing.T) {
	s, cis, rels := demoStore(t)
	path := filepath.Join(t.TempDir(), "cmdb.xlsx")
	if out, err := CIs(context.Background(), path, s); err != nil || out.CIs != len(cis) || out.Relations != len(rels) {
		t.Fatalf("exported %+v, want %d CIs and %d relations: %v", out, len(cis), len(rels), err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"CIs", "Relations"}) {
		t.Errorf("sheets = %v", got)
	}
	rows, _ := f.GetRows("CIs")
	if len(rows) != len(cis)+1 || rows[0][0] != "Reference" || rows[1][0] != "CI-000001" {
		t.Errorf("CIs sheet has %d rows, first %v", len(rows), rows[0][:3])
	}
	if typ, _ := f.GetCellType("CIs", "F2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("criticality cell type = %v, want a number", typ)
	}
	// Typed attribute cells: numbers, dates and yes/no are what they are,
	// so a spreadsheet sums, sorts and filters them.
	col := func(header string) int {
		for i, h := range rows[0] {
			if h == header {
				return i + 1
			}
		}
		t.Fatalf("no column %q", header)
		return 0
	}
	cellOf := func(header, ref string) string {
		for r, row := range rows {
			if len(row) > 0 && row[0] == ref {
				name, _ := excelize.CoordinatesToCellName(col(header), r+1)
				return name
			}
		}
		t.Fatalf("no row %s", ref)
		return ""
	}
	checked := map[string]int{}
	for _, c := range cis {
		for key, kind := range map[string]excelize.CellType{"warranty_end": excelize.CellTypeNumber, "cpu_cores": excelize.CellTypeNumber,
			"recovery_site": excelize.CellTypeBool} {
			if c.Attributes[key] == "" {
				continue
			}
			checked[key]++
			header := map[string]string{"warranty_end": "Warranty end", "cpu_cores": "CPU cores", "recovery_site": "Recovery site"}[key]
			cell := cellOf(header, c.Ref)
			typ, _ := f.GetCellType("CIs", cell)
			if typ != kind && !(kind == excelize.CellTypeNumber && typ == excelize.CellTypeUnset) {
				t.Errorf("%s %s (%s) is written as cell type %v, want %v", c.Ref, key, c.Attributes[key], typ, kind)
			}
			if key == "warranty_end" {
				if v, _ := f.GetCellValue("CIs", cell); v != c.Attributes[key] {
					t.Errorf("%s warranty end shows as %q, want %q", c.Ref, v, c.Attributes[key])
				}
			}
		}
	}
	if len(checked) != 3 {
		t.Errorf("the sample lacks a number, date or yes/no attribute to check: %v", checked)
	}
	// A real filter on both sheets (a table), not only a defined name.
	for _, sheet := range []string{"CIs", "Relations"} {
		tables, err := f.GetTables(sheet)
		if err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:") {
			t.Errorf("%s has no filter range: %+v %v", sheet, tables, err)
		}
	}
	panes, _ := f.GetPanes("CIs")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v", panes)
	}
	relRows, _ := f.GetRows("Relations")
	if len(relRows) != len(rels)+1 {
		t.Errorf("Relations sheet has %d rows, want %d", len(relRows), len(rels)+1)
	}

	res, err := s.ImportFile(context.Background(), path, cmdb.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatalf("re-import of the export: %v (%v)", err, res.Problems)
	}
	if res.Unchanged != len(cis) || res.Created+res.Updated != 0 || res.RelationsUnchanged != len(rels) {
		t.Errorf("re-import: %d unchanged of %d, %d created, %d updated, %d of %d relations unchanged",
			res.Unchanged, len(cis), res.Created, res.Updated, res.RelationsUnchanged, len(rels))
	}
}

func TestCICSVHasBOMAndReimportsUnchanged(t *testing.T) {
	s, cis, rels := demoStore(t)
	dir := t.TempDir()
	out, err := CIs(context.Background(), filepath.Join(dir, "cmdb.csv"), s)
	if err != nil || out.CIs != len(cis) || out.Relations != len(rels) {
		t.Fatalf("exported %+v, want %d CIs and %d relations: %v", out, len(cis), len(rels), err)
	}
	paths := out.Paths
	if len(paths) != 2 || filepath.Base(paths[1]) != "cmdb-relations.csv" {
		t.Fatalf("paths = %v", paths)
	}
	data, _ := os.ReadFile(paths[0])
	if string(data[:3]) != "\xEF\xBB\xBF" {
		t.Error("CSV lacks the UTF-8 byte-order mark Excel needs for Chinese")
	}
	for _, p := range paths {
		res, err := s.ImportFile(context.Background(), p, cmdb.ImportOptions{DryRun: true})
		if err != nil || res.Created+res.Updated+res.RelationsCreated+res.RelationsRegrouped != 0 {
			t.Errorf("re-import of %s: %d created, %d updated, %d relations created, %d regrouped; %v %v",
				filepath.Base(p), res.Created, res.Updated, res.RelationsCreated, res.RelationsRegrouped, res.Problems, err)
		}
	}
	if _, err := CIs(context.Background(), filepath.Join(dir, "cmdb.pdf"), s); store.ErrorCode(err) != store.EInvalid {
		t.Errorf("unsupported extension: %v", err)
	}
}

func TestBudgetWorkbookReadsBackAndReimportsUnchanged(t *testing.T) {
	ctx := context.Background()
	db := store.MustOpen(t)
	cm, _ := cmdb.NewStore(ctx, db)
	if err := demo.Organisation(ctx, cm); err != nil {
		t.Fatal(err)
	}
	bs := budget.NewStore(db, cm)
	fy, _ := bs.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2026})
	dir := t.TempDir()
	src := filepath.Join(dir, "in.csv")
	os.WriteFile(src, []byte("Service,Pool,Category,GL account,Description,Jan,Feb,Mar\n"+
		"网上银行 Internet banking,,licences,0660201,Maintenance,\"1,000.50\",1000,1000\n"+
		",Data centre,facilities,0660301,Power,3000,3000,3000\n"), 0o600)
	if _, err := bs.Import(ctx, fy, src, budget.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	bs.SetRule(ctx, fy, budget.Rule{Pool: "Data centre", Method: "even", Shares: map[string]float64{"网上银行 Internet banking": 1, "手机银行 Mobile banking": 1}})
	lines, _ := bs.Lines(ctx, fy)
	allocs, err := bs.Allocate(ctx, fy)
	if err != nil {
		t.Fatal(err)
	}
	years, _ := bs.Report(ctx, fy, "")
	path := filepath.Join(dir, "budget-2026.xlsx")
	if err := BudgetWorkbook(path, fy, lines, allocs, years, "en"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"Budget", "Allocation", "Variance"}) {
		t.Errorf("sheets %v", got)
	}
	if typ, _ := f.GetCellType("Budget", "J2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("January amount is %v, not a number", typ)
	}
	if v, _ := f.GetCellValue("Budget", "J2", excelize.Options{RawCellValue: true}); v != "1000.5" && v != "1000.50" {
		t.Errorf("January amount = %q", v)
	}
	if gl, _ := f.GetCellValue("Budget", "F2"); gl != "0660201" {
		t.Errorf("GL account lost its leading zero: %q", gl)
	}
	if formula, _ := f.GetCellFormula("Budget", "V2"); formula != "SUM(J2:U2)" {
		t.Errorf("row total formula = %q", formula)
	}
	if formula, _ := f.GetCellFormula("Budget", "J4"); formula != "SUM(J2:J3)" {
		t.Errorf("column total formula = %q", formula)
	}
	if panes, _ := f.GetPanes("Budget"); !panes.Freeze {
		t.Error("header not frozen")
	}
	// Printed as finance prints it: landscape, a page wide, the header on
	// every page; the variance rounded to the fen.
	if layout, err := f.GetPageLayout("Budget"); err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" ||
		layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Errorf("page layout %+v, %v", layout, err)
	}
	titles := false
	for _, n := range f.GetDefinedName() {
		titles = titles || n.Name == "_xlnm.Print_Titles" && n.Scope == "Budget" && n.RefersTo == "'Budget'!$1:$1"
	}
	if !titles {
		t.Errorf("no repeated header row for printing: %+v", f.GetDefinedName())
	}
	if formula, _ := f.GetCellFormula("Variance", "E2"); formula != "ROUND(D2-C2,2)" {
		t.Errorf("variance formula = %q", formula)
	}
	if name, _ := f.GetCellValue("Budget", "W2"); name == "" {
		t.Error("no service name beside the reference")
	}
	allocRows, _ := f.GetRows("Allocation")
	if len(allocRows) != 1+6 { // 3 months × 2 services
		t.Errorf("%d allocation rows", len(allocRows))
	}
	res, err := bs.Import(ctx, fy, path, budget.ImportOptions{DryRun: true})
	if err != nil || res.Created != 0 || res.Unchanged != 2 || res.TotalRows != 1 || res.FileTotal != res.ImportedTotal ||
		len(res.SheetsNotRead) != 2 {
		t.Errorf("re-import of the workbook: %+v %v %v", res, err, res.Problems)
	}
	// In Chinese: sheet names and headers in Chinese, and it imports back.
	zh := filepath.Join(dir, "预算-2026.xlsx")
	if err := BudgetWorkbook(zh, fy, lines, allocs, years, "zh"); err != nil {
		t.Fatal(err)
	}
	fz, err := excelize.OpenFile(zh)
	if err != nil {
		t.Fatal(err)
	}
	defer fz.Close()
	if got := fz.GetSheetList(); !reflect.DeepEqual(got, []string{"预算", "分摊", "差异"}) {
		t.Errorf("Chinese sheets %v", got)
	}
	if h, _ := fz.GetCellValue("预算", "A1"); h != "服务" {
		t.Errorf("Chinese header A1 = %q", h)
	}
	res, err = bs.Import(ctx, fy, zh, budget.ImportOptions{DryRun: true})
	if err != nil || res.Created != 0 || res.Unchanged != 2 || res.FileTotal != res.ImportedTotal {
		t.Errorf("re-import of the Chinese workbook: %+v %v %v", res, err, res.Problems)
	}
}

// TestFormulaLikeValuesRunNothing: a CI named like a formula is written
// after a quote in CSV and as a plain string in XLSX (the OWASP rule for
// CSV injection), and both files re-import unchanged.
func TestFormulaLikeValuesRunNothing(t *testing.T) {
	s, _, _ := demoStore(t)
	ctx := context.Background()
	evil := `=HYPERLINK("http://example.invalid","click")`
	if _, err := s.CreateCI(ctx, cmdb.CI{TypeKey: "server", Name: evil, Owner: "@admin", Status: cmdb.StatusInService, Criticality: 3}); err != nil {
		t.Fatal(err)
	}
	cis, _, _ := s.ListCIs(ctx, cmdb.Filter{})
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "cmdb.csv")
	if _, err := CIs(ctx, csvPath, s); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(csvPath)
	if !strings.Contains(string(data), `'=HYPERLINK(`) || !strings.Contains(string(data), ",'@admin,") {
		t.Errorf("the CSV holds the formula as it is:\n%s", data)
	}
	xlsxPath := filepath.Join(dir, "cmdb.xlsx")
	if _, err := CIs(ctx, xlsxPath, s); err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenFile(xlsxPath)
	defer f.Close()
	rows, _ := f.GetRows("CIs")
	for r, row := range rows {
		if len(row) > 2 && row[2] == evil {
			cell, _ := excelize.CoordinatesToCellName(3, r+1)
			if formula, _ := f.GetCellFormula("CIs", cell); formula != "" {
				t.Errorf("the XLSX holds a formula: %q", formula)
			}
		}
	}
	for _, p := range []string{csvPath, xlsxPath} {
		res, err := s.ImportFile(ctx, p, cmdb.ImportOptions{DryRun: true})
		if err != nil || res.Unchanged != len(cis) || res.Created+res.Updated != 0 {
			t.Errorf("%s re-imports: %d unchanged of %d, %d created, %d updated, %v", filepath.Base(p), res.Unchanged, len(cis), res.Created, res.Updated, err)
		}
	}
}
