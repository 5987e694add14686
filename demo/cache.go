package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"servicebook/cmdb"
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
		err = Scaled(ctx, s, n, seed)
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
