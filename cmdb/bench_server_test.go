package cmdb_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"servicebook/cmdb"
	"servicebook/internal/pgtest"
	"servicebook/store"
)

// serverBench opens the 100k-CI benchmark CMDB copied onto the test
// PostgreSQL server (store.Copy, once per process: about a minute and a
// half for its 1.67 million records).
func serverBench(b *testing.B) *cmdb.Store {
	b.Helper()
	ctx := context.Background()
	dsn, made := pgtest.KeptDatabase(b, "bench100k")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if made {
		file, err := store.Open(ctx, benchDB(b))
		if err != nil {
			b.Fatal(err)
		}
		defer file.Close()
		if _, err := store.Copy(ctx, file, db, false); err != nil {
			b.Fatal(err)
		}
	}
	s, err := cmdb.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkServerSearch: the first page of a search on the 100k CMDB on a
// PostgreSQL server, in a store that searched before (goal ≤ 30 ms).
func BenchmarkServerSearch(b *testing.B) { benchSearches(b, serverBench(b)) }

// BenchmarkServerImpact: the closure when the primary site fails, on the
// graph read from a server (goal within 1.5 × the file's: both in memory),
// and the graph's load from the server's snapshot.
func BenchmarkServerImpact(b *testing.B) {
	s := serverBench(b)
	ctx := context.Background()
	g, err := s.Graph(ctx)
	if err != nil {
		b.Fatal(err)
	}
	site, err := s.CI(ctx, "CI-000001")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("catch-up-after-another-desktop-relates", func(b *testing.B) { benchCatchUp(b, s, false) })
	b.Run("upstream-from-site", func(b *testing.B) {
		var n int
		for b.Loop() {
			n = g.Upstream([]int64{site.ID}).Len()
		}
		b.ReportMetric(float64(n), "CIs")
	})
	b.Run("report-services-and-100", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Impact(ctx, []string{"CI-000001"}, true, 100); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkServerImport100k: the 100k-row workbook imported into an empty
// database on the server (goal ≤ 2 × the import into an empty file).
func BenchmarkServerImport100k(b *testing.B) {
	path := importFile(b)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := store.MustOpenServer(b)
		s, err := cmdb.NewStore(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := s.ImportFile(ctx, path, cmdb.ImportOptions{})
		if err != nil || res.Created != benchCIs {
			b.Fatalf("import: %v, %d created", err, res.Created)
		}
	}
}

// BenchmarkServerSaves: ten desktops, each with its own connection, save
// different CIs of the 100k CMDB on the server at once (read, change the
// owner, save: the window's save). Reports saves per second and the 50th
// and 99th percentile of one save's time.
func BenchmarkServerSaves(b *testing.B) {
	s := serverBench(b)
	ctx := context.Background()
	const desktops = 10
	var stores []*cmdb.Store
	for range desktops {
		db, err := store.Open(ctx, s.DB().Path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		st, err := cmdb.NewStore(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		stores = append(stores, st)
	}
	const perDesktop = 50
	var all []time.Duration
	start := time.Now()
	saves := 0
	for b.Loop() {
		var wg sync.WaitGroup
		times := make([][]time.Duration, desktops)
		for d := range desktops {
			wg.Go(func() {
				for n := range perDesktop {
					ref := cmdb.RefNumber(int64(1000 + d*perDesktop + n))
					t0 := time.Now()
					c, err := stores[d].CI(ctx, ref)
					if err == nil {
						c.Owner = fmt.Sprintf("desktop %d at %d", d, t0.UnixNano())
						_, err = stores[d].UpdateCI(ctx, c)
					}
					if err != nil {
						b.Error(err)
						return
					}
					times[d] = append(times[d], time.Since(t0))
				}
			})
		}
		wg.Wait()
		for _, t := range times {
			all = append(all, t...)
		}
		saves += desktops * perDesktop
	}
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(saves)/time.Since(start).Seconds(), "saves/s")
		b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	}
}
