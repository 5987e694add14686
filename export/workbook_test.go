package export

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/demo"
	"servicebook/store"
)

// sampleRecords is the sample organisation with every kind of record:
// CMDB, plans, outages and targets, budget and actuals.
func sampleRecords(t testing.TB) (Sources, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db := store.MustOpen(t)
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Organisation(ctx, cm); err != nil {
		t.Fatal(err)
	}
	cs := continuity.NewStore(db, cm)
	if err := demo.Continuity(ctx, cm, cs); err != nil {
		t.Fatal(err)
	}
	bs := budget.NewStore(db, cm)
	if err := demo.Budget(ctx, cm, bs); err != nil {
		t.Fatal(err)
	}
	caps := capacity.NewStore(db, cm)
	if err := demo.Capacity(ctx, cm, caps, bs); err != nil {
		t.Fatal(err)
	}
	return Sources{CMDB: cm, Continuity: cs, Budget: bs, Capacity: caps}, db
}

var workbookAsOf = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// TestWorkbookHoldsEveryRecordTyped: a sheet per record type in the
// chosen language, each with as many rows as there are records, numbers
// as numbers, money in a currency format, dates as dates, frozen headers
// and filter buttons; text that looks like a formula stays text; the same
// records and time give the same bytes.
func TestWorkbookHoldsEveryRecordTyped(t *testing.T) {
	ctx := context.Background()
	src, db := sampleRecords(t)
	ci, err := src.CMDB.CreateCI(ctx, cmdb.CI{TypeKey: "server", Name: "=HYPERLINK(\"http://x\")", Description: "@SUM(A1:A9)", Owner: "+86 10 1234"})
	if err != nil {
		t.Fatal(err)
	}
	position, _ := db.ChangeLogPosition(ctx)
	for _, lang := range []string{"en", "zh"} {
		opt := WorkbookOptions{Lang: lang, AsOf: workbookAsOf, Version: "test", ChangeLogPosition: position}
		data, err := WorkbookBytes(ctx, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		again, err := WorkbookBytes(ctx, src, opt)
		if err != nil || !bytes.Equal(data, again) {
			t.Errorf("%s: two workbooks of the same records at the same time differ (%v)", lang, err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		names := map[string][2]string{
			"about": {"About", "说明"}, "cis": {"CIs", "配置项"}, "rels": {"Relations", "关系"}, "plans": {"Plans", "连续性计划"},
			"steps": {"Recovery steps", "恢复步骤"}, "calls": {"Call tree", "联络树"}, "outages": {"Outages", "中断"},
			"avail": {"Availability 12 months", "近12个月可用性"}, "budget": {"Budget 2026", "预算 2026"}, "actuals": {"Actuals 2026", "实际 2026"},
			"alloc": {"Allocation 2026", "分摊明细 2026"}, "rules": {"Allocation rules 2026", "分摊规则 2026"},
			"capres": {"Capacity resources", "容量资源"}, "capfc": {"Capacity forecasts", "容量预测"}, "capup": {"Capacity upgrades", "扩容计划"},
			"capplans": {"Capacity plans", "容量计划"},
		}
		sheet := func(key string) string {
			if lang == "zh" {
				return names[key][1]
			}
			return names[key][0]
		}
		list := f.GetSheetList()
		for key := range names {
			if !slices.Contains(list, sheet(key)) {
				t.Errorf("%s: no sheet %q in %v", lang, sheet(key), list)
			}
		}
		if list[0] != sheet("about") {
			t.Errorf("%s: the first sheet is %q", lang, list[0])
		}
		cis, total, _ := src.CMDB.ListCIs(ctx, cmdb.Filter{})
		rows, _ := f.GetRows(sheet("cis"))
		if len(rows) != total+1 || len(cis) != total {
			t.Errorf("%s: %d CI rows for %d CIs", lang, len(rows)-1, total)
		}
		// Capacity: the six resources, each forecast (the SAN's warning on
		// a date), and the WAN upgrade with the budget line it proposed.
		plans, _ := f.GetRows(sheet("capplans"))
		if len(plans) != 2 || plans[1][0] != "SM-03001" || !strings.Contains(plans[1][2], "CI-000081") || len(plans[1]) < 20 {
			t.Errorf("%s: capacity plans sheet %v", lang, plans)
		}
		res, _ := f.GetRows(sheet("capres"))
		fc, _ := f.GetRows(sheet("capfc"))
		up, _ := f.GetRows(sheet("capup"))
		if len(res) != 7 || len(fc) != 7 || len(up) != 2 {
			t.Errorf("%s: capacity sheets of %d, %d and %d rows", lang, len(res), len(fc), len(up))
		}
		for _, row := range fc[1:] {
			if strings.HasPrefix(row[0], "bj-san-01") && (len(row) < 9 || row[8] != "2026-12-26") {
				t.Errorf("%s: the SAN's forecast row %v", lang, row)
			}
		}
		if len(up) == 2 && (up[1][1] != "MPLS WAN Mbit/s" || up[1][len(up[1])-1] == "") {
			t.Errorf("%s: the upgrade row %v", lang, up[1])
		}
		// Every sheet has a frozen header and filter buttons.
		for _, name := range list[1:] {
			panes, err := f.GetPanes(name)
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("%s: %s header not frozen: %+v %v", lang, name, panes, err)
			}
			if tables, err := f.GetTables(name); err != nil || len(tables) != 1 {
				t.Errorf("%s: %s has %d tables (filter buttons), %v", lang, name, len(tables), err)
			}
		}
		// The formula-like CI is text, never a formula.
		for r, row := range rows {
			if len(row) > 0 && row[0] == ci.Ref {
				for c := 1; c <= 7; c++ {
					cell, _ := excelize.CoordinatesToCellName(c, r+1)
					if formula, _ := f.GetCellFormula(sheet("cis"), cell); formula != "" {
						t.Errorf("%s: %s is the formula %q", lang, cell, formula)
					}
				}
				if row[2] != ci.Name || row[3] != ci.Description || row[6] != ci.Owner {
					t.Errorf("%s: formula-like texts changed: %q", lang, row)
				}
			}
		}
		// Typed cells: criticality a number, an outage start a date and
		// time, an amount a number in a currency format, a plan's RTO a
		// number of hours.
		for _, c := range []struct{ sheet, cell, format string }{
			{sheet("cis"), "F2", ""}, {sheet("outages"), "B2", "yyyy-mm-dd hh:mm"}, {sheet("budget"), "J2", "#,##0.00"},
			{sheet("plans"), "N2", "0.00"}, {sheet("avail"), "E2", "0.000"},
		} {
			if typ, _ := f.GetCellType(c.sheet, c.cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("%s: %s!%s is %v, want a number", lang, c.sheet, c.cell, typ)
			}
			if c.format == "" {
				continue
			}
			style, _ := f.GetCellStyle(c.sheet, c.cell)
			st, err := f.GetStyle(style)
			if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != c.format {
				t.Errorf("%s: %s!%s format %v, want %q", lang, c.sheet, c.cell, st.CustomNumFmt, c.format)
			}
		}
		// The budget's row total is a formula that carries its value.
		budgetRows, _ := f.GetRows(sheet("budget"))
		if formula, _ := f.GetCellFormula(sheet("budget"), "V2"); formula != "SUM(J2:U2)" || budgetRows[0][21] != map[string]string{"en": "Total", "zh": "合计"}[lang] {
			t.Errorf("%s: the row total is %q under %q", lang, formula, budgetRows[0][21])
		}
		f.Close()
	}
}

// TestWorkbookReimportsWithoutChange: the full workbook's CIs and
// relations, outages, budget lines and actuals go back in through their
// importers, in both languages, and change nothing: no record created or
// updated, no entry in the change log.
func TestWorkbookReimportsWithoutChange(t *testing.T) {
	ctx := context.Background()
	src, db := sampleRecords(t)
	fy, err := src.Budget.FiscalYear(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "zh"} {
		path := filepath.Join(t.TempDir(), "records-"+lang+".xlsx")
		if err := Workbook(ctx, path, src, WorkbookOptions{Lang: lang, AsOf: workbookAsOf}); err != nil {
			t.Fatal(err)
		}
		before, _ := db.ChangeLogPosition(ctx)
		ci, err := src.CMDB.ImportFile(ctx, path, cmdb.ImportOptions{})
		if err != nil || ci.Created+ci.Updated+ci.RelationsCreated+ci.RelationsRegrouped != 0 || ci.Unchanged == 0 {
			t.Errorf("%s: CI import %+v, %v", lang, ci, err)
		}
		// The other sheets are named as not read, the CIs and relations not.
		if len(ci.SheetsNotRead) < 15 || slices.Contains(ci.SheetsNotRead, ci.CISheet) || slices.Contains(ci.SheetsNotRead, ci.RelSheet) {
			t.Errorf("%s: sheets not read %v (CIs %s, relations %s)", lang, ci.SheetsNotRead, ci.CISheet, ci.RelSheet)
		}
		out, err := src.Continuity.ImportOutages(ctx, path, "Asia/Shanghai", false, nil)
		if err != nil || out.Created+out.Updated != 0 || out.Unchanged == 0 {
			t.Errorf("%s: outage import %+v, %v", lang, out, err)
		}
		sheetName := map[string]string{"en": "Budget 2026", "zh": "预算 2026"}[lang]
		lines, err := src.Budget.Import(ctx, fy, path, budget.ImportOptions{Sheet: sheetName})
		if err != nil || lines.Created+lines.Updated+lines.Revised != 0 {
			t.Errorf("%s: budget import %+v, %v", lang, lines, err)
		}
		sheetName = map[string]string{"en": "Actuals 2026", "zh": "实际 2026"}[lang]
		actuals, err := src.Budget.ImportActuals(ctx, fy, path, budget.ImportOptions{Sheet: sheetName, WholeYear: true})
		if err != nil || actuals.Created+actuals.Updated != 0 || actuals.Unchanged == 0 {
			t.Errorf("%s: actuals import %+v, %v", lang, actuals, err)
		}
		if after, _ := db.ChangeLogPosition(ctx); after != before {
			changes, _ := db.RecentChanges(ctx, int(after-before))
			t.Errorf("%s: re-importing the workbook changed %d records: %+v", lang, after-before, changes)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatal(err)
		}
	}
	if err := Workbook(ctx, filepath.Join(t.TempDir(), "records.pdf"), src, WorkbookOptions{AsOf: workbookAsOf}); err == nil || !strings.Contains(err.Error(), ".xlsx") {
		t.Errorf("a workbook named .pdf: %v", err)
	}
}

// TestPacedGCRestoresThePace: overlapping exports leave the collector's
// pace as it was before the first.
func TestPacedGCRestoresThePace(t *testing.T) {
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	first := pacedGC()
	second := pacedGC()
	first()
	if now := debug.SetGCPercent(400); now != 400 {
		t.Errorf("with one export still running the pace is %d", now)
	}
	second()
	if now := debug.SetGCPercent(150); now != 150 {
		t.Errorf("after both exports the pace is %d, want 150", now)
	}
}
