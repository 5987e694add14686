package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// generatorVersion changes whenever Generate changes what it makes, so that
// a cached database of an older shape is never reused.
const generatorVersion = 5

// CachedScaled returns the path of a database holding Scaled(n, seed),
// building it the first time in the temporary directory and reusing it
// afterwards: at 100k CIs it takes about 40 s to build. Benchmarks open it
// (or a copy, if they change it). The file name carries the schema and
// generator versions.
func CachedScaled(n int, seed uint64) (string, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("servicebook-bench-s%d-g%d-%d-%d.db",
		store.SchemaVersion(), generatorVersion, n, seed))
	return cached(path, func(ctx context.Context, db *store.DB, s *cmdb.Store) error { return Scaled(ctx, s, n, seed) })
}

// cached returns path, building the database there with build the first
// time: written under another name and renamed when whole, so that a
// build cut short is never taken for a database.
func cached(path string, build func(context.Context, *store.DB, *cmdb.Store) error) (string, error) {
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + ".building"
	os.Remove(tmp)
	ctx := context.Background()
	db, err := store.Open(ctx, tmp)
	if err != nil {
		return "", err
	}
	s, err := cmdb.NewStore(ctx, db)
	if err == nil {
		err = build(ctx, db, s)
	}
	if err == nil {
		// Fold the write-ahead log into the file, so that a copy of the file
		// alone is the whole database.
		_, err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// capacityVersion changes whenever CachedCapacity changes what it makes.
const capacityVersion = 1

// CachedCapacity returns the path of a database holding the sample bank's
// CMDB and n capacity resources with two years of daily samples each (the
// size the Capacity screen's speed goal names at n = 10,000: 7.3 million
// samples), built the first time in the temporary directory — a minute or
// so — and reused afterwards.
func CachedCapacity(n int) (string, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("servicebook-bench-capacity-s%d-c%d-%d.db", store.SchemaVersion(), capacityVersion, n))
	return cached(path, func(ctx context.Context, db *store.DB, s *cmdb.Store) error {
		if err := Organisation(ctx, s); err != nil {
			return err
		}
		return capacityResources(ctx, db, n)
	})
}

// capacityResources writes n resources on the CMDB's CIs, each with 730
// daily samples of growth, a weekly pattern and noise, straight into the
// tables (the benchmark measures reading them, not writing them).
func capacityResources(ctx context.Context, db *store.DB, n int) error {
	var ids []int64
	rows, err := db.QueryContext(ctx, "SELECT id FROM ci ORDER BY id")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	rnd := rand.New(rand.NewPCG(uint64(n), 3))
	start := time.Date(2024, 11, 21, 0, 0, 0, 0, time.UTC)
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.PrepareContext(ctx, `INSERT INTO capacity_resource (id, ci_id, metric, unit, name, capacity, warning, critical)
			VALUES (?, ?, ?, '%', ?, 100, 80, 90)`)
		if err != nil {
			return err
		}
		defer res.Close()
		smp, err := tx.PrepareContext(ctx, "INSERT INTO capacity_sample (resource_id, at, value) VALUES (?, ?, ?)")
		if err != nil {
			return err
		}
		defer smp.Close()
		week := [7]float64{0, 4, 5, 4, 3, -6, -8}
		for i := 1; i <= n; i++ {
			if _, err := res.ExecContext(ctx, i, ids[i%len(ids)], fmt.Sprintf("metric %05d", i), fmt.Sprintf("res-%05d", i)); err != nil {
				return err
			}
			base, growth := 20+rnd.Float64()*40, rnd.Float64()*0.04
			for d := range 730 {
				v := base + growth*float64(d) + week[d%7] + rnd.NormFloat64()*2
				if _, err := smp.ExecContext(ctx, i, start.AddDate(0, 0, d).Unix(), math.Round(v*10)/10); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// CachedSampleBankScaled returns the path of a database holding the whole
// sample bank (CMDB, plans, outages, budget, capacity, a configuration
// audit) with n generated CIs beside it: the readiness checks' benchmark,
// whose goal is named "100k CIs with the demo's plans, outages and
// budget". Built the first time, reused afterwards.
func CachedSampleBankScaled(n int, seed uint64) (string, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("servicebook-bench-bank-s%d-g%d-%d-%d.db",
		store.SchemaVersion(), generatorVersion, n, seed))
	return cached(path, func(ctx context.Context, db *store.DB, s *cmdb.Store) error {
		cs, bs, caps := continuity.NewStore(db, s), budget.NewStore(db, s), capacity.NewStore(db, s)
		if err := SampleBank(ctx, s, cs, bs, caps); err != nil {
			return err
		}
		cis, rels := Generate(n, seed)
		_, err := s.CreateBatch(store.WithSource(ctx, "demo"), cis, rels)
		return err
	})
}
