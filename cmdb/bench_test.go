package cmdb_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/sheet"
	"servicebook/store"
)

// The benchmarks run on the scaled demo CMDB: 100k CIs, about 490k
// relations, built once and cached (see demo.CachedScaled), or taken from
// SERVICEBOOK_BENCH_DB.
const benchCIs = 100_000

var benchOnce sync.Once
var benchPath string
var benchErr error

func benchDB(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		if p := os.Getenv("SERVICEBOOK_BENCH_DB"); p != "" {
			benchPath = p
			return
		}
		benchPath, benchErr = demo.CachedScaled(benchCIs, 1)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// openBench opens the benchmark CMDB; with copy, a private copy that the
// benchmark may change.
func openBench(b *testing.B, copy bool) *cmdb.Store {
	b.Helper()
	path := benchDB(b)
	if copy {
		dst := filepath.Join(b.TempDir(), "bench.db")
		if err := copyFile(path, dst); err != nil {
			b.Fatal(err)
		}
		path = dst
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	s, err := cmdb.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkImpactClosure: everything impacted when the primary site (the
// most shared CI: it hosts 80% of the infrastructure) fails. Goal ≤ 20 ms.
func BenchmarkImpactClosure(b *testing.B) {
	s := openBench(b, false)
	ctx := context.Background()
	g, err := s.Graph(ctx)
	if err != nil {
		b.Fatal(err)
	}
	site, err := s.CI(ctx, "CI-000001")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("upstream-from-site", func(b *testing.B) {
		var n int
		for b.Loop() {
			n = g.Upstream([]int64{site.ID}).Len()
		}
		b.ReportMetric(float64(n), "CIs")
	})
	b.Run("downstream-from-business-service", func(b *testing.B) {
		var n int
		for b.Loop() {
			n = g.Downstream([]int64{benchCIs}).Len()
		}
		b.ReportMetric(float64(n), "CIs")
	})
	// The same analysis as the command line runs it: closure, paths, and
	// every impacted service plus the nearest 100 other CIs read back.
	b.Run("report-services-and-100", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Impact(ctx, []string{"CI-000001"}, true, 100); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGraphLoad: the relation index a process needs before its first
// impact analysis — read from the snapshot kept in the database, or, the
// first time after any relation changed, built from the 490k relations
// (and the snapshot written again).
func BenchmarkGraphLoad(b *testing.B) {
	s := openBench(b, true)
	ctx := context.Background()
	if _, err := s.Graph(ctx); err != nil { // the snapshot is in place
		b.Fatal(err)
	}
	b.Run("snapshot", func(b *testing.B) {
		for b.Loop() {
			fresh, _ := cmdb.NewStore(ctx, s.DB())
			if _, err := fresh.Graph(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Catching up goes first: the rebuild below changes the revision
	// without a change-log entry, which makes every graph read whole.
	b.Run("catch-up-after-another-desktop-relates", func(b *testing.B) { benchCatchUp(b, s, false) })
	// The first change a process sees after reading the snapshot also
	// makes the graph's lists from the walk indexes it was read as.
	b.Run("first-catch-up-after-the-snapshot", func(b *testing.B) { benchCatchUp(b, s, true) })
	b.Run("rebuild-after-a-relation-change", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if _, err := s.DB().ExecContext(ctx, "UPDATE ref_counter SET last = last + 1 WHERE name = 'relation_rev'"); err != nil {
				b.Fatal(err)
			}
			fresh, _ := cmdb.NewStore(ctx, s.DB())
			b.StartTimer()
			if _, err := fresh.Graph(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchCatchUp: the graph of a desktop that had it catching up after
// another desktop adds or removes a relation (graphrefresh.go), against
// reading it whole (snapshot) or building it (rebuild).
func benchCatchUp(b *testing.B, s *cmdb.Store, first bool) {
	ctx := context.Background()
	theirs, _ := cmdb.NewStore(ctx, s.DB())
	related := false
	change := func() {
		var err error
		if related {
			err = theirs.Unrelate(ctx, "CI-000100", cmdb.DependsOn, "CI-000200")
		} else {
			_, err = theirs.Relate(ctx, "CI-000100", cmdb.DependsOn, "CI-000200", "")
		}
		if err != nil {
			b.Fatal(err)
		}
		related = !related
	}
	var mine *cmdb.Store
	read := func() {
		mine, _ = cmdb.NewStore(ctx, s.DB())
		if _, err := mine.Graph(ctx); err != nil {
			b.Fatal(err)
		}
	}
	read()
	if !first { // a desktop that has caught up before
		change()
		if _, err := mine.Graph(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		b.StopTimer()
		if first {
			read() // the snapshot is old after the last change: built again and written,
			read() // then read as the next process reads it; neither timed
		}
		change()
		b.StartTimer()
		if _, err := mine.Graph(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if related {
		theirs.Unrelate(ctx, "CI-000100", cmdb.DependsOn, "CI-000200")
	}
}

// searchWords are the searches measured: a Chinese word, a reference, one
// and two characters, two words, a word in locations only (no name has
// it, so the name pass must find that out quickly), and no match at all.
var searchWords = []string{"数据库", "srv-012345", "库", "db", "张伟 上海", "北京主数据中心", "nothing-matches-this"}

// BenchmarkSearchFirstPage: the first 50 results, in a store that has
// searched before (the window, typing). Goal ≤ 10 ms.
func BenchmarkSearchFirstPage(b *testing.B) { benchSearches(b, openBench(b, false)) }

// benchSearches runs each of searchWords as a sub-benchmark on s, the
// first page of 50 each time.
func benchSearches(b *testing.B, s *cmdb.Store) {
	ctx := context.Background()
	for _, q := range searchWords {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, q, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearchCold: the first search of a process (a command, or the
// window's first): the database opened, the store made, one search — no
// warm-up. Goal ≤ 10 ms for the search.
func BenchmarkSearchCold(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	for _, q := range searchWords {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				db, err := store.Open(ctx, path)
				if err != nil {
					b.Fatal(err)
				}
				s, err := cmdb.NewStore(ctx, db)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Search(ctx, q, 50); err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
		})
	}
}

// BenchmarkBaseline: freezing and comparing the 100k-CI CMDB.
func BenchmarkBaseline(b *testing.B) {
	s := openBench(b, true)
	ctx := context.Background()
	b.Run("take", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := s.TakeBaseline(ctx, fmt.Sprintf("bench-%d", i), ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("diff-with-today", func(b *testing.B) {
		if _, err := s.TakeBaseline(ctx, "bench-diff", ""); err != nil {
			b.Fatal(err)
		}
		ci, _ := s.CI(ctx, "CI-000500")
		ci.Owner = "changed after the baseline"
		if _, err := s.UpdateCI(ctx, ci); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.DiffBaselines(ctx, "bench-diff", ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}

var importOnce sync.Once
var importPath string

// importFile writes (once) an XLSX of 100k CI rows as a CMDB owner would
// bring it: type, name, description, status, criticality, owner, location
// and an attribute.
func importFile(b *testing.B) string {
	importOnce.Do(func() {
		importPath = filepath.Join(os.TempDir(), "servicebook-bench-import-100k.xlsx")
		if _, err := os.Stat(importPath); err == nil {
			return
		}
		f := excelize.NewFile()
		sw, _ := f.NewStreamWriter("Sheet1")
		sw.SetRow("A1", []any{"Type", "Name", "Description", "Status", "Criticality", "Owner", "Location", "CPU cores"})
		for i := 0; i < benchCIs; i++ {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			sw.SetRow(cell, []any{"server", fmt.Sprintf("srv-%06d 服务器%d", i, i), "Imported rack server",
				"运行中", 1 + i%4, "基础架构组", "北京主数据中心", 8 + i%56})
		}
		sw.Flush()
		if err := f.SaveAs(importPath + ".tmp.xlsx"); err != nil {
			b.Fatal(err)
		}
		os.Rename(importPath+".tmp.xlsx", importPath)
	})
	return importPath
}

// BenchmarkImport100k compares servicebook's import of 100k CI rows from
// XLSX (validation, matching, change log, search indexes, all in one
// transaction) with the least any importer must do: read the rows with
// excelize, with the options servicebook reads with, and insert them into
// the ci table with one prepared statement. Both into an empty database
// and into the 100k-CI benchmark CMDB (a copy). Goals: servicebook ≤ 1.3 ×
// bare into an empty database, ≤ 1.5 × into the 100k one. servicebook
// reads the file in a goroutine beside the writes; scripts/bench.sh runs
// this on one core as well (-cpu 1,2), where that overlap cannot help.
func BenchmarkImport100k(b *testing.B) {
	path := importFile(b)
	ctx := context.Background()
	empty := func(b *testing.B) *store.DB {
		db := store.MustOpen(b)
		if _, err := cmdb.NewStore(ctx, db); err != nil { // the same schema and built-in types
			b.Fatal(err)
		}
		return db
	}
	full := func(b *testing.B) *store.DB { return openBench(b, true).DB() }
	for _, into := range []struct {
		name string
		open func(*testing.B) *store.DB
	}{{"", empty}, {"-into-100k", full}} {
		b.Run("servicebook"+into.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s, err := cmdb.NewStore(ctx, into.open(b))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				// Into the 100k CMDB some rows name existing servers and
				// update them.
				res, err := s.ImportFile(ctx, path, cmdb.ImportOptions{})
				if err != nil || res.Created+res.Updated+res.Unchanged != benchCIs {
					b.Fatalf("import: %v, %d created, %d updated", err, res.Created, res.Updated)
				}
			}
		})
		b.Run("bare-excelize-read-and-inserts"+into.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := into.open(b)
				b.StartTimer()
				if err := bareImport(ctx, db, path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func bareImport(ctx context.Context, db *store.DB, path string) error {
	// The options servicebook reads with (sheet.readWorkbook): raw values,
	// sheets below 64 MB unzipped kept in memory.
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, TmpDir: os.TempDir(),
		UnzipSizeLimit: sheet.DefaultLimits.MaxUnzipped, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := f.Rows("Sheet1")
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO ci (ref, type_id, name, description, status, criticality,
			owner, location, attributes, created_at, updated_at) VALUES (?, 5, ?, ?, 'in_service', ?, ?, ?, ?, '', '')`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		n := 0
		for rows.Next() {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return err
			}
			n++
			if n == 1 {
				continue
			}
			if _, err := stmt.ExecContext(ctx, fmt.Sprintf("CI-%07d", 1_000_000+n), cols[1], cols[2], cols[4], cols[5], cols[6],
				`{"cpu_cores":"`+cols[7]+`"}`); err != nil {
				return err
			}
		}
		return rows.Close()
	})
}
