package sheet

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkVerifyParts100k: the checksum and XML check of the 100k-row
// import workbook that scripts/bench.sh builds (skipped until it exists).
func BenchmarkVerifyParts100k(b *testing.B) {
	path := filepath.Join(os.TempDir(), "servicebook-bench-import-100k.xlsx")
	if _, err := os.Stat(path); err != nil {
		b.Skip("run scripts/bench.sh once to build the 100k workbook")
	}
	for b.Loop() {
		zr, err := zip.OpenReader(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := verifyParts("bench.xlsx", &zr.Reader, DefaultLimits.MaxCellBytes); err != nil {
			b.Fatal(err)
		}
		zr.Close()
	}
}
