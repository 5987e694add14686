package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CheckBackup checks a backup before anything is replaced with it: it must
// be a servicebook database this program can read, and pass SQLite's
// integrity and foreign-key checks. It opens the file read-only and
// changes nothing.
func CheckBackup(ctx context.Context, path string) (CheckReport, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return CheckReport{}, Errorf(EInvalid, "Cannot use %q: %v.", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return CheckReport{}, Errorf(ENotFound, "There is no backup at %s.", abs)
	}
	appID, _, _, err := inspect(ctx, abs)
	if err != nil {
		return CheckReport{}, Errorf(EInvalid, "%s is not a servicebook backup: %v.", abs, sqliteReason(err))
	}
	if appID != ApplicationID {
		return CheckReport{}, Errorf(EInvalid, "%s is not a servicebook backup.", abs)
	}
	if err := checkOwnership(ctx, abs); err != nil {
		return CheckReport{}, err
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: "mode=ro&immutable=1"}
	sqldb, err := sql.Open("sqlite", u.String())
	if err != nil {
		return CheckReport{}, err
	}
	defer sqldb.Close()
	rep, err := (&DB{DB: sqldb, Path: abs}).Check(ctx)
	if err != nil {
		return rep, Errorf(EInvalid, "%s cannot be checked: %v.", abs, sqliteReason(err))
	}
	if !rep.OK() {
		problems := append(append([]string{}, rep.Integrity...), rep.ForeignKeys...)
		return rep, Errorf(EInvalid, "%s fails its integrity check (%s); nothing was replaced.", abs, strings.Join(problems, "; "))
	}
	return rep, nil
}

// Restore replaces the database at target with the backup at from. The
// backup is checked first (CheckBackup); the database as it was is kept
// beside it (its path is returned), so a restore can itself be undone; the
// new file is written beside the target and renamed over it only when
// complete. A database that another window or process has open is not
// replaced. The restored database is migrated when next opened, as any
// older file is.
func Restore(ctx context.Context, target, from string, now time.Time) (kept string, err error) {
	if _, err := CheckBackup(ctx, from); err != nil {
		return "", err
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return "", Errorf(EInvalid, "Cannot use database path %q: %v.", target, err)
	}
	src, _ := filepath.Abs(from)
	if src == abs {
		return "", Errorf(EInvalid, "%s is the database itself, not a backup of it.", abs)
	}
	if _, err := os.Stat(abs); err == nil {
		if err := quiesce(ctx, abs); err != nil {
			return "", err
		}
		kept = fmt.Sprintf("%s.before-restore-%s.bak", abs, now.UTC().Format("20060102T150405Z"))
		if err := copyFile(abs, kept); err != nil {
			return "", Errorf(EInvalid, "Could not keep the database as it was (%v); nothing was replaced.", err)
		}
	}
	tmp := abs + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return kept, Errorf(EInvalid, "Could not copy the backup (%v); nothing was replaced.", err)
	}
	for _, side := range []string{abs + "-wal", abs + "-shm"} {
		os.Remove(side) // emptied by quiesce; a stale one would be applied to the new file
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return kept, Errorf(EInvalid, "Could not put the backup in place (%v); the database is unchanged.", err)
	}
	return kept, nil
}

// quiesce makes sure nobody else has the database open and that all of it
// is in the main file: it takes an exclusive lock, checkpoints the
// write-ahead log into the file and truncates the log.
func quiesce(ctx context.Context, abs string) error {
	u := url.URL{Scheme: "file", Path: abs}
	sqldb, err := sql.Open("sqlite", u.String()+"?_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return err
	}
	defer sqldb.Close()
	sqldb.SetMaxOpenConns(1)
	busy := Errorf(EConflict, "%s is open in another window or process; close it there, then restore.", abs)
	if _, err := sqldb.ExecContext(ctx, "BEGIN EXCLUSIVE; COMMIT"); err != nil {
		return busy
	}
	var blocked, logged, done int
	if err := sqldb.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&blocked, &logged, &done); err != nil || blocked != 0 {
		return busy
	}
	return nil
}

// copyFile writes a copy of src at dst (mode 0600), synced to disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}
