package demo

import (
	"context"
	"testing"

	"servicebook/cmdb"
	"servicebook/store"
)

// BenchmarkScaled writes the 20k-CI generated CMDB: the cost of setting up
// the benchmark databases, and of a bulk CreateBatch.
func BenchmarkScaled20k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s, err := cmdb.NewStore(context.Background(), store.MustOpen(b))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := Scaled(context.Background(), s, 20000, 1); err != nil {
			b.Fatal(err)
		}
	}
}
