package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRestoreChecksKeepsAndReplaces(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	logged := func(db *DB, what string) {
		t.Helper()
		if err := db.LoggedTx(ctx, func(tx *sql.Tx, log *ChangeWriter) error { return log.Add(ctx, "note", 1, "text", "", what) }); err != nil {
			t.Fatal(err)
		}
	}
	logged(db, "before the backup")
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	logged(db, "after the backup")
	// Open elsewhere: nothing is replaced.
	if _, err := Restore(ctx, path, backup, time.Now()); ErrorCode(err) != EConflict {
		t.Errorf("restore over a database in use: %v", err)
	}
	db.Close()

	// A damaged backup is refused before anything is touched.
	damaged := filepath.Join(dir, "damaged.db")
	data, _ := os.ReadFile(backup)
	bad := append([]byte(nil), data...)
	for i := 4096; i < len(bad); i++ { // every page after the first
		bad[i] = 0xFF
	}
	os.WriteFile(damaged, bad, 0o600)
	if _, err := Restore(ctx, path, damaged, time.Now()); ErrorCode(err) != EInvalid {
		t.Errorf("restore from a damaged backup: %v", err)
	}
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("not a database"), 0o600)
	if _, err := Restore(ctx, path, notes, time.Now()); ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), "not a servicebook backup") {
		t.Errorf("restore from a text file: %v", err)
	}
	if _, err := Restore(ctx, path, path, time.Now()); ErrorCode(err) != EInvalid {
		t.Errorf("restore from the database itself: %v", err)
	}

	kept, err := Restore(ctx, path, backup, time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if kept != path+".before-restore-20261124T080000Z.bak" {
		t.Errorf("kept as %s", kept)
	}
	texts := func(p string) string {
		db, err := Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		recent, _ := db.RecentChanges(ctx, 10)
		var out []string
		for _, c := range recent {
			out = append(out, c.New)
		}
		return strings.Join(out, ", ")
	}
	if got := texts(path); got != "before the backup" {
		t.Errorf("restored database holds %q", got)
	}
	if got := texts(kept); got != "after the backup, before the backup" {
		t.Errorf("the database as it was holds %q", got)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("restored file mode %v", info.Mode().Perm())
	}
}
