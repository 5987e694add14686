package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicebook/store"
)

// TestKilledImportsLeaveAllOrNothing kills servicebook (SIGKILL, no chance
// to clean up) at random moments during imports of CIs and of a budget,
// then checks that the database passes its integrity check and holds either
// nothing of the file or all of it.
func TestKilledImportsLeaveAllOrNothing(t *testing.T) {
	if os.Getenv("SERVICEBOOK_CHILD_ARGS") != "" {
		return
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.db")
	mustRun(t, db, "demo")
	mustRun(t, db, "budget", "fy", "new", "2027")
	const cis = 20000
	var b strings.Builder
	b.WriteString("Type,Name,Owner\n")
	for i := 0; i < cis; i++ {
		fmt.Fprintf(&b, "server,crash-%05d,张伟\n", i)
	}
	ciFile := filepath.Join(dir, "cis.csv")
	os.WriteFile(ciFile, []byte(b.String()), 0o600)
	b.Reset()
	b.WriteString("Service,Category,Description,Month,Amount\n")
	const budgetRows = 12000
	for i := 0; i < budgetRows; i++ {
		fmt.Fprintf(&b, "网上银行,licences,item %04d,%d,%d.50\n", i/12, i%12+1, 100+i)
	}
	budgetFile := filepath.Join(dir, "budget.csv")
	os.WriteFile(budgetFile, []byte(b.String()), 0o600)

	count := func(path, query string) int {
		d, err := store.OpenExisting(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		rep, err := d.Check(context.Background())
		if err != nil || !rep.OK() {
			t.Fatalf("after a kill the database fails its check: %+v %v", rep, err)
		}
		var n int
		if err := d.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	base := filepath.Join(dir, "base.db")
	mustRun(t, db, "backup", "--to", base)
	jobs := []struct {
		name  string
		args  func(db string) []string
		query string
		whole int
	}{
		{"CI import", func(db string) []string { return []string{"--db", db, "import", "cis", ciFile} },
			"SELECT count(*) FROM ci WHERE name LIKE 'crash-%'", cis},
		{"budget import", func(db string) []string { return []string{"--db", db, "budget", "import", budgetFile, "--fy", "2027"} },
			"SELECT count(*) FROM budget_line l JOIN fiscal_year f ON f.id = l.fy_id WHERE f.year = 2027", budgetRows / 12},
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for _, job := range jobs {
		// One run to the end, to know how long an import takes here.
		full := filepath.Join(dir, "full.db")
		os.Remove(full)
		mustCopy(t, base, full)
		start := time.Now()
		if out, err := child(job.args(full)...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", job.name, err, out)
		}
		took := time.Since(start)
		if n := count(full, job.query); n != job.whole {
			t.Fatalf("%s to the end holds %d, want %d", job.name, n, job.whole)
		}
		kills := 0
		for run := 0; run < 8; run++ {
			path := filepath.Join(dir, fmt.Sprintf("run-%d.db", run))
			os.Remove(path)
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
			mustCopy(t, base, path)
			cmd := child(job.args(path)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-time.After(time.Duration(rng.Int64N(int64(took)))):
				cmd.Process.Kill()
				<-done
				kills++
			case <-done:
			}
			if n := count(path, job.query); n != 0 && n != job.whole {
				t.Fatalf("%s killed: %d rows of %d were left", job.name, n, job.whole)
			}
		}
		t.Logf("%s (%v to the end): killed %d times of 8 at random moments; each time all or nothing, integrity check passed", job.name, took.Round(time.Millisecond), kills)
	}
}

func mustCopy(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
