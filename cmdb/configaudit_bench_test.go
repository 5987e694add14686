package cmdb_test

import (
	"context"
	"fmt"
	"testing"

	"servicebook/cmdb"
	"servicebook/sheet"
)

// BenchmarkConfigAudit100k: an audit of the whole 100k-CI benchmark CMDB
// (every CI not retired), and what was found: an inventory of 100k rows
// matched by name, with 1 % moved, 1 % missing and 1 % unknown. Start
// freezes the CMDB; Reconcile reads the found table, matches, compares
// and writes the findings (the goal: 100k against 100k in 2 s).
func BenchmarkConfigAudit100k(b *testing.B) {
	ctx := context.Background()
	s := openBench(b, true)
	b.Run("Start", func(b *testing.B) {
		n := 0
		var a cmdb.ConfigAudit
		for b.Loop() {
			n++
			var err error
			if a, err = s.StartAudit(ctx, fmt.Sprintf("bench %d", n), cmdb.AuditScope{}, ""); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(a.Lines), "CIs")
	})
	a, err := s.StartAudit(ctx, "bench reconcile", cmdb.AuditScope{}, "")
	if err != nil {
		b.Fatal(err)
	}
	lines, err := s.AuditLines(ctx, a.ID)
	if err != nil {
		b.Fatal(err)
	}
	found := sheet.Table{Name: "scan", Rows: [][]string{{"Hostname", "Location", "Owner"}}}
	for i, l := range lines {
		switch i % 100 {
		case 1:
			continue // missing
		case 2:
			l.Location += " R99" // moved
		case 3:
			found.Rows = append(found.Rows, []string{fmt.Sprintf("unknown-%06d", i), l.Location, ""})
		}
		found.Rows = append(found.Rows, []string{l.Name, l.Location, l.Owner})
	}
	b.Run("Reconcile", func(b *testing.B) {
		var rec cmdb.Reconciliation
		for b.Loop() {
			read := cmdb.ReadFound("scan.csv", found, nil, nil)
			if rec, err = s.ReconcileAudit(ctx, a.ID, read, []string{"name"}, false); err != nil {
				b.Fatalf("%v: %v", err, rec.Problems[:min(3, len(rec.Problems))])
			}
		}
		b.ReportMetric(float64(rec.Lines), "recorded")
		b.ReportMetric(float64(len(found.Rows)-1), "found")
		b.ReportMetric(float64(len(rec.Findings)), "findings")
	})
}
