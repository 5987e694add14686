package cmdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"modernc.org/sqlite"

	"servicebook/store"
)

// TestImportOnAFullDiskChangesNothing: the disk holding the database fills
// during an import. SQLite's max_page_count stands in for the disk's size
// (a real small filesystem needs mount rights a test does not have): past
// it SQLite fails exactly as on a full disk, SQLITE_FULL. The import is
// refused in plain words, and the database holds what it held before.
func TestImportOnAFullDiskChangesNothing(t *testing.T) {
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
		if strings.Contains(dsn, "small-disk") {
			_, err := conn.ExecContext(context.Background(), "PRAGMA max_page_count = 300", nil)
			return err
		}
		return nil
	})
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "small-disk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	_, before, err := s.ListCIs(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("Type,Name,Description\n")
	for i := range 5000 {
		fmt.Fprintf(&csv, "server,srv-%05d,%s\n", i, strings.Repeat("机房 A 机柜 12 ", 20))
	}
	path := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = s.ImportFile(ctx, path, ImportOptions{})
	if err == nil {
		t.Fatal("5,000 CIs fitted in 300 pages; the test's disk is not small enough")
	}
	if msg := store.ErrorMessage(err); !strings.Contains(msg, "disk is full") || strings.Contains(msg, "Internal error") {
		t.Errorf("a full disk is reported as %q", msg)
	}
	if _, after, _ := s.ListCIs(ctx, Filter{}); after != before {
		t.Errorf("%d CIs after the refused import, %d before", after, before)
	}
	if rep, err := db.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("the database after a full disk: %+v, %v", rep, err)
	}
}
