package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCheckNamesADamagedFileAndItsNewestBackup: a file so damaged that
// SQLite's checks cannot run is reported as damaged, in SQLite's words, and
// the newest backup beside it is found.
func TestCheckNamesADamagedFileAndItsNewestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sb.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		if err := db.LoggedTx(ctx, func(tx *sql.Tx, log *ChangeWriter) error {
			return log.Add(ctx, "note", int64(i), "text", "", strings.Repeat("记录", 20))
		}); err != nil {
			t.Fatal(err)
		}
	}
	backup := filepath.Join(dir, "sb-backup-20261124-0900.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 4 { // sb.db, -wal, -shm, the backup
		t.Errorf("the backup left files behind: %v", entries)
	}
	if info, _ := os.Stat(backup); info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v", info.Mode().Perm())
	}
	db.Close()
	data, _ := os.ReadFile(path)
	for i := 4096 * 3; i < 4096*8 && i < len(data); i++ {
		data[i] = 0x5A
	}
	os.WriteFile(path, data, 0o600)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	damaged, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("a damaged file should still open for its check: %v", err)
	}
	defer damaged.Close()
	rep, err := damaged.Check(ctx)
	if err != nil || rep.OK() || len(rep.Integrity) == 0 {
		t.Errorf("check of a damaged file: %+v %v", rep, err)
	}
	if got := NewestBackup(path); got != backup {
		t.Errorf("newest backup %q, want %q", got, backup)
	}
}

// TestBackupIsPrivateUnderAnyUmask: the backup is 0600 from its first byte
// even under umask 000.
func TestBackupIsPrivateUnderAnyUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	db := MustOpen(t)
	to := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(context.Background(), to); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(to); info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v under umask 000", info.Mode().Perm())
	}
	if err := db.Backup(context.Background(), to); err == nil {
		t.Error("a backup over an existing file was not refused")
	}
}

// TestHotJournalFromAKilledWriterIsRolledBack: a servicebook database
// copied while a write (in rollback-journal mode, as a fresh backup is)
// was half done carries a hot journal; opening it rolls the write back
// and opens, rather than calling the file "not a servicebook database".
func TestHotJournalFromAKilledWriterIsRolledBack(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	db, err := Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db") // VACUUM INTO: rollback-journal mode
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+backup+"?_pragma=journal_mode(DELETE)&_pragma=cache_size(10)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx.ExecContext(ctx, "CREATE TABLE scratch (v TEXT)")
	for i := 0; i < 3000; i++ { // enough to spill the small cache into the file
		if _, err := tx.ExecContext(ctx, "INSERT INTO scratch VALUES (?)", strings.Repeat("x", 200)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(backup + "-journal"); err != nil {
		t.Fatal("the write left no journal to copy: the test no longer fabricates a killed writer")
	}
	// The copy is the file as a killed writer leaves it.
	killed := filepath.Join(dir, "killed.db")
	for _, suffix := range []string{"", "-journal"} {
		data, err := os.ReadFile(backup + suffix)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(killed+suffix, data, 0o600)
	}
	tx.Rollback()
	reopened, err := OpenExisting(ctx, killed)
	if err != nil {
		t.Fatalf("a database with a hot journal does not open: %v", err)
	}
	defer reopened.Close()
	var n int
	if err := reopened.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'scratch'").Scan(&n); err != nil || n != 0 {
		t.Errorf("the half-done write survived: %d, %v", n, err)
	}
	if rep, err := reopened.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("check after the roll-back: %+v %v", rep, err)
	}
}
