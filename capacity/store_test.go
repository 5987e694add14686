package capacity_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/internal/pgtest"
	"servicebook/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func demoCapacity(t *testing.T) (*capacity.Store, *store.DB, string) {
	t.Helper()
	return demoCapacityOn(t, store.MustOpen(t))
}

// demoCapacityOn is demoCapacity on db: a file or a server's database
// (store.EachBackend).
func demoCapacityOn(t *testing.T, db *store.DB) (*capacity.Store, *store.DB, string) {
	t.Helper()
	ctx := context.Background()
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Organisation(ctx, cm); err != nil {
		t.Fatal(err)
	}
	san, err := cm.Search(ctx, "bj-san-01", 1)
	if err != nil || len(san) != 1 {
		t.Fatalf("bj-san-01: %v", err)
	}
	return capacity.NewStore(db, cm), db, san[0].Ref
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSamplesImportAllOrNothingAndForecast: a resource is added, a month
// of daily samples imported (a dry run first, then for real, then again:
// nothing new), a file with a changed reading or an unknown resource is
// refused whole with the row named, and the forecast says when the
// thresholds are reached.
func TestSamplesImportAllOrNothingAndForecast(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, _, san := demoCapacityOn(t, db)
		ctx := context.Background()
		if _, err := s.AddResource(ctx, capacity.Resource{CIRef: san, Metric: "used GB", Unit: "GB", Capacity: 1000, Warning: 800, Critical: 900, BufferPct: 5}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddResource(ctx, capacity.Resource{CIRef: san, Metric: "iops", Capacity: 100, Warning: 95, Critical: 90}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("warning above critical: %v", err)
		}
		name := san + " used GB"
		var csv strings.Builder
		csv.WriteString("clock,itemid,value\n")
		start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		for i := range 30 {
			csv.WriteString(start.AddDate(0, 0, i).Format(time.RFC3339) + "," + name + "," + strconv.FormatFloat(700+3*float64(i), 'f', -1, 64) + "\n")
		}
		path := writeFile(t, "zabbix.csv", csv.String())
		before, _ := db.ChangeLogPosition(ctx)
		dry, err := s.ImportSamples(ctx, path, capacity.SampleImportOptions{DryRun: true})
		if err != nil || dry.New != 30 {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if after, _ := db.ChangeLogPosition(ctx); after != before {
			t.Error("a dry run wrote to the change log")
		}
		res, err := s.ImportSamples(ctx, path, capacity.SampleImportOptions{})
		if err != nil || res.New != 30 || res.ByName[name] != 30 {
			t.Fatalf("import: %+v %v", res, err)
		}
		again, err := s.ImportSamples(ctx, path, capacity.SampleImportOptions{})
		if err != nil || again.New != 0 || again.Unchanged != 30 {
			t.Errorf("re-import: %+v %v", again, err)
		}
		changed := writeFile(t, "changed.csv", "clock,itemid,value\n"+start.AddDate(0, 0, 30).Format(time.RFC3339)+","+name+",800\n"+
			start.Format(time.RFC3339)+","+name+",701\nnot a time,"+name+",5\n2026-11-05,nobody,5\n")
		bad, err := s.ImportSamples(ctx, changed, capacity.SampleImportOptions{})
		if store.ErrorCode(err) != store.EInvalid || len(bad.Problems) != 2 {
			t.Fatalf("bad file: %v, %+v", err, bad.Problems)
		}
		var text []string
		for _, p := range bad.Problems {
			text = append(text, p.Error())
		}
		for _, want := range []string{"row 4", `"nobody"`} {
			if !strings.Contains(strings.Join(text, "\n"), want) {
				t.Errorf("problems lack %s: %v", want, text)
			}
		}
		// Parse problems stop the file before the database is asked; the
		// changed reading is refused once the rest is right.
		changed = writeFile(t, "changed.csv", "clock,itemid,value\n"+start.Format(time.RFC3339)+","+name+",701\n")
		if bad, err = s.ImportSamples(ctx, changed, capacity.SampleImportOptions{}); store.ErrorCode(err) != store.EInvalid ||
			len(bad.Problems) != 1 || !strings.Contains(bad.Problems[0].Error(), "the database has 700") {
			t.Errorf("a changed reading: %v %+v", err, bad.Problems)
		}
		r, _ := s.Resource(ctx, name)
		if samples, _ := s.Samples(ctx, r.ID); len(samples) != 30 {
			t.Errorf("after refused files, %d samples", len(samples))
		}

		f, err := s.ForecastResource(ctx, name, 60*24*time.Hour, capacity.WhatIf{})
		if err != nil {
			t.Fatal(err)
		}
		// 700 + 3 a day, the last sample 787: 800 in 5 days, 900 in 38,
		// the usable 950 (5 % buffer) in 55; within 30 days only the first.
		days := func(r capacity.Reach) int { return int(r.In / (24 * time.Hour)) }
		if days(f.ToWarning) != 5 || days(f.ToCritical) != 38 || days(f.ToFull) != 55 {
			t.Errorf("reached in %d, %d and %d days", days(f.ToWarning), days(f.ToCritical), days(f.ToFull))
		}
		if !f.ToWarning.At.Equal(start.AddDate(0, 0, 34)) {
			t.Errorf("warning on %s", f.ToWarning.At)
		}
		month, _ := s.ForecastResource(ctx, name, 30*24*time.Hour, capacity.WhatIf{})
		if month.ToWarning.Never || !month.ToCritical.Never || !month.ToFull.Never {
			t.Errorf("within 30 days: %+v %+v %+v", month.ToWarning, month.ToCritical, month.ToFull)
		}
		what, _ := s.ForecastResource(ctx, name, 60*24*time.Hour, capacity.WhatIf{DemandPct: 20})
		if what.ToCritical.Never || what.ToCritical.Already {
			t.Errorf("with 20 %% more demand the critical threshold: %+v", what.ToCritical)
		}
	})
}

// TestUpgradeProposesABudgetLineAndRaisesTheThresholds: an upgrade with a
// cost proposes a capex line in the month of its date, linked to it; the
// forecast's thresholds rise with the capacity from that date; cancelling
// withdraws a proposed line but leaves an approved one, and says so.
func TestUpgradeProposesABudgetLineAndRaisesTheThresholds(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, _, san := demoCapacityOn(t, db)
		ctx := context.Background()
		cm, _ := cmdb.NewStore(ctx, db)
		bs := budget.NewStore(db, cm)
		if _, err := bs.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2026}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddResource(ctx, capacity.Resource{CIRef: san, Metric: "used GB", Unit: "GB", Name: "san", Capacity: 1000, Warning: 800, Critical: 900}); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		var samples []capacity.Sample
		for i := range 30 {
			samples = append(samples, capacity.Sample{At: start.AddDate(0, 0, i), Value: 700 + 3*float64(i)})
		}
		if n, err := s.AddSamples(ctx, "san", samples); err != nil || n != 30 {
			t.Fatalf("samples: %d, %v", n, err)
		}
		before, _ := s.ForecastResource(ctx, "san", 90*24*time.Hour, capacity.WhatIf{})
		if before.ToWarning.In != 5*24*time.Hour {
			t.Fatalf("warning before the upgrade in %s", before.ToWarning.In)
		}
		payroll, _ := cm.Search(ctx, "薪资发放", 1)
		u, err := s.AddUpgrade(ctx, bs, capacity.Upgrade{Resource: "san", Planned: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Adds: 250,
			Cost: 36_000_000, Supplier: "华为", ServiceRef: payroll[0].Ref})
		if err != nil || u.BudgetLine == 0 {
			t.Fatalf("upgrade: %+v %v", u, err)
		}
		fy, _ := bs.FiscalYear(ctx, 2026)
		lines, _ := bs.Lines(ctx, fy)
		var line budget.Line
		for _, l := range lines {
			if l.ID == u.BudgetLine {
				line = l
			}
		}
		if line.ServiceRef != payroll[0].Ref || !line.Capex || line.Category != budget.Assets || line.Amounts[10] != 36_000_000 || line.Total() != 36_000_000 {
			t.Errorf("proposed line: %+v", line)
		}
		// 800 of 1000 becomes 1000 of 1250 from 2026-11-02: the warning,
		// forecast for 2026-11-04, moves to when use reaches 1000.
		after, _ := s.ForecastResource(ctx, "san", 90*24*time.Hour, capacity.WhatIf{})
		if after.ToWarning.In != 71*24*time.Hour || len(after.Upgrades) != 1 {
			t.Errorf("warning after the upgrade in %v days; upgrades %v", after.ToWarning.In.Hours()/24, after.Upgrades)
		}
		// Changed — another month, another amount — the proposed line is
		// withdrawn and proposed again as the upgrade now is.
		u.Planned, u.Cost = time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC), 40_000_000
		moved, err := s.UpdateUpgrade(ctx, bs, u)
		if err != nil || moved.BudgetLine == 0 {
			t.Fatalf("change: %+v %v", moved, err)
		}
		lines, _ = bs.Lines(ctx, fy)
		if len(lines) != 1 || lines[0].ID != moved.BudgetLine || lines[0].Amounts[11] != 40_000_000 || lines[0].Total() != 40_000_000 {
			t.Errorf("the line after the change: %+v", lines)
		}
		if ups, _ := s.Upgrades(ctx, "san"); len(ups) != 1 || ups[0].BudgetLine != moved.BudgetLine || ups[0].Cost != 40_000_000 {
			t.Errorf("the upgrade after the change: %+v", ups)
		}
		// Approved, the line is a decision: its money does not follow the
		// upgrade, though the capacity it adds may change.
		if err := bs.ApproveLine(ctx, moved.BudgetLine, "李明"); err != nil {
			t.Fatal(err)
		}
		dearer := moved
		dearer.Cost = 45_000_000
		if _, err := s.UpdateUpgrade(ctx, bs, dearer); store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "budget revision") {
			t.Errorf("a dearer upgrade with an approved line: %v", err)
		}
		bigger := moved
		bigger.Adds = 300
		if kept, err := s.UpdateUpgrade(ctx, bs, bigger); err != nil || kept.BudgetLine != moved.BudgetLine {
			t.Errorf("more capacity with an approved line: %+v %v", kept, err)
		}
		if _, err := bs.Revise(ctx, moved.BudgetLine); err != nil {
			t.Fatal(err)
		}
		u = moved
		// Without a fiscal year for its date, the upgrade waits for its line.
		later, err := s.AddUpgrade(ctx, bs, capacity.Upgrade{Resource: "san", Planned: time.Date(2028, 1, 5, 0, 0, 0, 0, time.UTC), Adds: 100,
			Cost: 100, ServiceRef: payroll[0].Ref})
		if err != nil || later.BudgetLine != 0 || !strings.Contains(later.BudgetNote, "No fiscal year holds 2028-01-05") {
			t.Errorf("an upgrade in 2028: %+v %v", later, err)
		}
		cancelled, err := s.CancelUpgrade(ctx, bs, u.ID)
		if err != nil || cancelled.Status != "cancelled" || !strings.Contains(cancelled.BudgetNote, "approved and stays") {
			t.Fatalf("cancel: %+v %v", cancelled, err)
		}
		if lines, _ := bs.Lines(ctx, fy); len(lines) != 2 {
			t.Errorf("the approved line and its revision: %+v", lines)
		}
		// An approved line stays when its upgrade is cancelled.
		again, err := s.AddUpgrade(ctx, bs, capacity.Upgrade{Resource: "san", Planned: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Adds: 50,
			Cost: 500, ServiceRef: payroll[0].Ref})
		if err != nil {
			t.Fatal(err)
		}
		if err := bs.ApproveLine(ctx, again.BudgetLine, "李明"); err != nil {
			t.Fatal(err)
		}
		kept, err := s.CancelUpgrade(ctx, bs, again.ID)
		if err != nil || !strings.Contains(kept.BudgetNote, "approved and stays") {
			t.Errorf("cancel with an approved line: %+v %v", kept, err)
		}
		if lines, _ := bs.Lines(ctx, fy); len(lines) != 3 { // the first upgrade's approved line and revision, and this one
			t.Errorf("the approved line went: %d lines", len(lines))
		}
		if _, err := s.CancelUpgrade(ctx, bs, again.ID); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("cancelled twice: %v", err)
		}
		// The upgrade waiting for 2028 gets its line when the year is created,
		// in the same transaction, with the change log saying so.
		bs.OnYearCreated(s.ProposeWhenYearCreated(bs))
		fy28, err := bs.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2028, StartMonth: 1, Currency: "CNY"})
		if err != nil {
			t.Fatal(err)
		}
		lines, _ = bs.Lines(ctx, fy28)
		if len(lines) != 1 || lines[0].Amounts[0] != 100 || !lines[0].Capex || !strings.Contains(lines[0].Description, fmt.Sprintf("capacity upgrade %d", later.ID)) {
			t.Fatalf("2028's lines: %+v", lines)
		}
		ups, _ := s.Upgrades(ctx, "san")
		for _, up := range ups {
			if up.ID == later.ID && up.BudgetLine != lines[0].ID {
				t.Errorf("the upgrade is not linked to its line: %+v", up)
			}
		}
		changes, _ := db.RecentChanges(ctx, 5)
		logged := false
		for _, c := range changes {
			logged = logged || c.Entity == "capacity_upgrade" && c.EntityID == later.ID && c.Field == "budget_line"
		}
		if !logged {
			t.Error("the line's proposal is not in the change log")
		}
	})
}

// TestSamplesImportRefusesAColumnWithNoPlace: Zabbix' history export has
// an ns column the samples have no place for; the file is refused, the
// column named, until the person leaves it out by name, and then the
// result says it was left out.
func TestSamplesImportRefusesAColumnWithNoPlace(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, _, san := demoCapacityOn(t, db)
		ctx := context.Background()
		if _, err := s.AddResource(ctx, capacity.Resource{CIRef: san, Metric: "used GB", Name: "SAN used GB", Capacity: 1000, Warning: 800, Critical: 900}); err != nil {
			t.Fatal(err)
		}
		path := writeFile(t, "zabbix.csv", "clock,itemid,value,ns\n1788220800,SAN used GB,700,120000000\n1788307200,SAN used GB,702,0\n")
		res, err := s.ImportSamples(ctx, path, capacity.SampleImportOptions{})
		if store.ErrorCode(err) != store.EInvalid || len(res.Problems) != 1 || res.Problems[0].Column != "ns" ||
			!strings.Contains(res.Problems[0].Reason, `--ignore "ns"`) || res.New != 0 {
			t.Fatalf("an ns column: %+v %v", res, err)
		}
		if got, _ := s.Samples(ctx, 1); len(got) != 0 {
			t.Fatalf("a refused file left %d samples", len(got))
		}
		res, err = s.ImportSamples(ctx, path, capacity.SampleImportOptions{Ignore: []string{"NS"}})
		if err != nil || res.New != 2 || strings.Join(res.Ignored, ",") != "ns" {
			t.Fatalf("with ns left out: %+v %v", res, err)
		}
	})
}
