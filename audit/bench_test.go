package audit_test

import (
	"context"
	"testing"

	"servicebook/audit"
	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/demo"
	"servicebook/store"
)

// BenchmarkAudit100k: every check on the 100k-CI benchmark CMDB (about
// 8,000 services, 490k relations) beside the whole sample bank (its plans,
// outages, budget, capacity and configuration audit). The goal is ≤ 1 s.
// The database is opened as it is (the checks write nothing but derived
// statuses).
func BenchmarkAudit100k(b *testing.B) {
	path, err := demo.CachedSampleBankScaled(100_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	src := audit.Sources{DB: db, CMDB: cm, Continuity: continuity.NewStore(db, cm), Budget: budget.NewStore(db, cm), Capacity: capacity.NewStore(db, cm)}
	for b.Loop() {
		rep, err := audit.Run(ctx, src, audit.DefaultSettings, "bench")
		if err != nil {
			b.Fatal(err)
		}
		if rep.Count(audit.Major) == 0 {
			b.Fatal("no services without plans found")
		}
	}
}
