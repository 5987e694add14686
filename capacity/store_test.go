package capacity_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/store"
)

func demoCapacity(t *testing.T) (*capacity.Store, *store.DB, string) {
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
	s, db, san := demoCapacity(t)
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

	f, err := s.ForecastResource(ctx, name, 60*24*time.Hour, 0)
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
	month, _ := s.ForecastResource(ctx, name, 30*24*time.Hour, 0)
	if month.ToWarning.Never || !month.ToCritical.Never || !month.ToFull.Never {
		t.Errorf("within 30 days: %+v %+v %+v", month.ToWarning, month.ToCritical, month.ToFull)
	}
	what, _ := s.ForecastResource(ctx, name, 60*24*time.Hour, 20)
	if what.ToCritical.Never || what.ToCritical.Already {
		t.Errorf("with 20 %% more demand the critical threshold: %+v", what.ToCritical)
	}
}
