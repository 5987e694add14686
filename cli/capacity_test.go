package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCapacityStory: an IT manager watches the SAN's storage, imports a
// monitoring export (a column per resource), imports it again (nothing
// new), and asks when the thresholds are reached, then what if demand
// grows by a fifth.
func TestCapacityStory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "demo")
	san := refOf(t, mustRun(t, db, "search", "bj-san-01"), "bj-san-01")
	out := mustRun(t, db, "capacity", "resource", "add", san, "--metric", "used GB", "--unit", "GB", "--capacity", "1000",
		"--warning", "80%", "--critical", "900", "--buffer", "5", "--name", "SAN used GB")
	if !strings.Contains(out, "capacity 1000 GB (usable 950), warning 800, critical 900") {
		t.Errorf("resource add: %s", out)
	}
	var csv strings.Builder
	csv.WriteString("Time,SAN used GB\n")
	start := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	for i := range 40 {
		fmt.Fprintf(&csv, "%s,%d\n", start.AddDate(0, 0, i).Format("2006-01-02 15:04"), 700+3*i)
	}
	path := filepath.Join(dir, "vrops.csv")
	os.WriteFile(path, []byte(csv.String()), 0o600)
	if out = mustRun(t, db, "capacity", "samples", "import", path, "--zone", "UTC"); !strings.Contains(out, "Imported 40 samples") {
		t.Errorf("import: %s", out)
	}
	if out = mustRun(t, db, "capacity", "samples", "import", path, "--zone", "UTC"); !strings.Contains(out, "Imported 0 samples") ||
		!strings.Contains(out, "40 samples were already there") {
		t.Errorf("import again: %s", out)
	}
	if out = mustRun(t, db, "capacity", "resource", "list"); !strings.Contains(out, "SAN used GB") || !strings.Contains(out, "817 (2026-11-09)") {
		t.Errorf("resource list:\n%s", out)
	}
	// 817 on 2026-11-09, 3 GB a day: 900 in 28 days, the usable 950 in 45.
	out = mustRun(t, db, "capacity", "forecast", "SAN used GB", "--horizon", "90d")
	for _, want := range []string{"warning (800 GB): already reached", "critical (900 GB): reached in 28 days, about 2026-12-07",
		"usable capacity (950 GB): reached in 45 days"} {
		if !strings.Contains(out, want) {
			t.Errorf("forecast lacks %q:\n%s", want, out)
		}
	}
	out = mustRun(t, db, "capacity", "forecast", "SAN used GB", "--horizon", "10d", "--what-if", "+20%")
	if !strings.Contains(out, "What if demand changes by +20 %") || !strings.Contains(out, "critical (900 GB): reached in 1 day,") {
		t.Errorf("what-if:\n%s", out)
	}
	code, _, errOut := run(t, db, "capacity", "forecast", "nothing")
	if code == 0 || !strings.Contains(errOut, `no resource named "nothing"`) {
		t.Errorf("unknown resource: %d %s", code, errOut)
	}
}
