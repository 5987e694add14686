package main

import (
	"io"
	"os/exec"
	"path/filepath"
	"testing"

	"servicebook/demo"
)

// BenchmarkCommand100k times whole servicebook processes — start, open,
// work, print, close — on the 100k-CI benchmark CMDB, as a person at a
// terminal meets them. Goals: impact ≤ 300 ms, search ≤ 150 ms. Each
// command runs once before it is timed, so that the relation graph's
// snapshot is in the database as it is after any first use; the cost of
// rebuilding it after a relation changes is BenchmarkGraphLoad's.
func BenchmarkCommand100k(b *testing.B) {
	db, err := demo.CachedScaled(100_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(b.TempDir(), "servicebook")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(b *testing.B, args []string) {
		cmd := exec.Command(bin, append([]string{"--db", db}, args...)...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatalf("servicebook %v: %v", args, err)
		}
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"impact-site", []string{"impact", "CI-000001"}},
		{"impact-server", []string{"impact", "CI-050000"}},
		{"search-库", []string{"search", "库"}},
		{"search-北京主数据中心", []string{"search", "北京主数据中心"}},
		{"ci-list", []string{"ci", "list"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			run(b, c.args)
			for b.Loop() {
				run(b, c.args)
			}
		})
	}
}
