// Package store opens servicebook's SQLite file, migrates it, and provides
// what every domain shares: transactions, the change log, backup and the
// integrity check. Domain packages keep their own SQL on top of it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// ApplicationID marks a SQLite file as servicebook's ("SBK1"). A file with
// another application id belongs to another program and is never migrated.
const ApplicationID = 0x53424b31

// DB is an open servicebook database.
type DB struct {
	*sql.DB
	// Path is the database file, or the server's URL without its password
	// (ShownURL).
	Path    string
	Dialect Dialect
	// Now is the clock used for change-log entries; tests replace it.
	Now func() time.Time
	// User is who is recorded in the change log: the OS user by default.
	User string
	// Created is true when Open created a new, empty database file, so the
	// caller can decide to fill it with sample data.
	Created bool
	// BackupPath is where Open copied the file before migrating it, if it did.
	BackupPath string
	// dsn is a server's URL as given, password and all: for Watch's own
	// connection, never shown or kept.
	dsn string
	// OnWait, if set, is told once in plain words when a write has to wait
	// for another process's write (the command line prints it), so that a
	// wait of up to the busy timeout is never a silent hang.
	OnWait func(message string)
}

// waitNoticeAfter is how long a write waits for the lock before OnWait is
// told: short waits (another process's single save) pass unremarked.
const waitNoticeAfter = 700 * time.Millisecond

// BeginWrite starts a write transaction for a bulk write (an import):
// BEGIN IMMEDIATE on a file, so that a transaction never fails half-way
// for want of the lock; on a server, a transaction holding the database's
// write lock alone (writeLock), so that no other desktop's save interleaves
// with the import's half-done work. It tells OnWait when it has to wait
// for another.
func (db *DB) BeginWrite(ctx context.Context) (*sql.Tx, error) {
	return db.begin(ctx, true)
}

// writeLock is the advisory lock by which writers on a server keep out of
// each other's way: every write transaction holds it shared, so that
// single saves run side by side (row versions refuse a stale one); a bulk
// write (BeginWrite) holds it alone.
const writeLock = 0x53424b32

func (db *DB) begin(ctx context.Context, bulk bool) (*sql.Tx, error) {
	open := func() (*sql.Tx, error) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil || db.Dialect != Postgres {
			return tx, err
		}
		lock := "SELECT pg_advisory_xact_lock_shared(?)"
		if bulk {
			lock = "SELECT pg_advisory_xact_lock(?)"
			// A bulk write runs a few statements thousands of times with
			// values that do not change their plan: planned once, not each
			// time (force_custom_plan, pgdriver.go, is for searches). A 100k
			// import measured 1-1.5 s quicker.
			if _, err := tx.ExecContext(ctx, "SET LOCAL plan_cache_mode = auto"); err != nil {
				tx.Rollback()
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, lock, writeLock); err != nil {
			tx.Rollback()
			return nil, err
		}
		return tx, nil
	}
	if db.OnWait == nil {
		return open()
	}
	told := make(chan struct{})
	notice := time.AfterFunc(waitNoticeAfter, func() {
		defer close(told)
		if db.Dialect == Postgres {
			db.OnWait("someone else is writing to " + db.Path + " (an import, perhaps); waiting for them to finish…")
			return
		}
		db.OnWait("another servicebook is writing to " + db.Path + " (an import, perhaps); waiting for it, up to " +
			strings.TrimSuffix(busyTimeoutMS, "000") + " s…")
	})
	tx, err := open()
	if !notice.Stop() {
		<-told // the notice is out before anything else is said
	}
	return tx, err
}

// DefaultPath returns the default database location: servicebook.db in the
// user's configuration directory (for example ~/.config/servicebook on Linux).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", Errorf(EInvalid, "Cannot find your configuration directory (%v); use --db to name a database file.", err)
	}
	return filepath.Join(dir, "servicebook", "servicebook.db"), nil
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date. It refuses files that are not SQLite, SQLite files of other
// programs, and files written by a newer servicebook. Before migrating an
// existing database it copies it to a timestamped backup beside it.
func Open(ctx context.Context, path string) (*DB, error) { return open(ctx, path, true, Options{}) }

// Options say how a database is opened beyond its path.
type Options struct {
	// CacheKiB is SQLite's page cache per connection, in KiB; 0 means
	// DefaultCacheKiB.
	CacheKiB int
	// Unmapped reads the file with system calls only. Otherwise SQLite
	// reads it through a memory map (up to MapBytes of it): an impact
	// command on the 100k CMDB reads 11 MB of graph and 10k CIs, a page at
	// a time, and the map saves a read call and a copy for each page
	// (0.225 s → 0.195 s, median of 8, alternating). The window keeps its
	// reads unmapped: mapped pages count in its resident memory, which its
	// small page cache keeps down.
	Unmapped bool
}

// MapBytes is how much of the file SQLite maps, unless Options.Unmapped.
// The map is address space, not memory: only pages read become resident,
// and they are the file's own, shared with the system's cache.
const MapBytes = 1 << 30

// WindowOptions are the window's: a smaller page cache, no memory map.
func WindowOptions() Options { return Options{CacheKiB: WindowCacheKiB, Unmapped: true} }

// DefaultCacheKiB is the page cache commands get: an import of 100k rows
// into a 100k-CI database keeps its indexes' pages at hand.
const DefaultCacheKiB = 65536

// WindowCacheKiB is the window's page cache: it reads a page of rows at a
// time. Measured on the 100k-CI database: 16 MB less resident memory with
// the CI list open, and the list's far pages no slower.
const WindowCacheKiB = 8192

// OpenWith is Open (create) or OpenExisting with options.
func OpenWith(ctx context.Context, path string, create bool, opt Options) (*DB, error) {
	return open(ctx, path, create, opt)
}

// OpenExisting is Open for a database that must already exist: a mistyped
// path is refused (ENOTFOUND) instead of becoming a new, empty database
// that every check would then find in order.
func OpenExisting(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, false, Options{})
}

// urlScheme matches a path that is a URL (postgres://…, file://…): this
// build keeps its data in a local file and must not create a folder named
// after the scheme.
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

func open(ctx context.Context, path string, create bool, opt Options) (*DB, error) {
	if IsPostgres(path) {
		return openServer(ctx, path)
	}
	if urlScheme.MatchString(path) {
		scheme, _, _ := strings.Cut(path, "://")
		return nil, Errorf(EInvalid, "%s: servicebook keeps its data in a local file or on a PostgreSQL server (postgres://…), not at %s:// addresses.", ShownURL(path), scheme)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, Errorf(EInvalid, "Cannot use database path %q: %v.", path, err)
	}
	if !create {
		if _, err := os.Stat(abs); errors.Is(err, os.ErrNotExist) {
			return nil, Errorf(ENotFound, "There is no database at %s. Check the path, or create one there with --create.", abs)
		}
	}
	created, err := ensureFile(abs)
	if err != nil {
		return nil, err
	}
	if !created {
		if err := checkOwnership(ctx, abs); err != nil {
			return nil, err
		}
	}
	cache := opt.CacheKiB
	if cache <= 0 {
		cache = DefaultCacheKiB
	}
	mapped := MapBytes
	if opt.Unmapped {
		mapped = 0
	}
	sqldb, err := sql.Open("sqlite", dsn(abs, cache, mapped))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	db := &DB{DB: sqldb, Path: abs, Now: time.Now, User: osUser(), Created: created}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// dsn builds a URI whose pragmas apply to every pooled connection; a one-off
// PRAGMA statement would reach only one of them.
//
// temp_store(MEMORY) keeps statement journals in memory: SQLite keeps one
// for each statement that may fail halfway inside a longer transaction
// (an UPDATE of a CI, with its checks), and in a file that cost a write
// system call per page each statement touched — an import updating 22k
// CIs spent 1 s in them.
func dsn(abs string, cacheKiB, mapBytes int) string {
	u := url.URL{Scheme: "file", Path: abs}
	return u.String() + "?_pragma=busy_timeout(" + busyTimeoutMS + ")&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-" + strconv.Itoa(cacheKiB) + ")" +
		"&_pragma=mmap_size(" + strconv.Itoa(mapBytes) + ")&_pragma=temp_store(MEMORY)&_txlock=immediate"
}

// ensureFile creates the database file with mode 0600 (it holds contact
// details and budgets) and its directory with 0700, before SQLite would
// create them with the umask's looser modes.
func ensureFile(abs string) (created bool, err error) {
	info, err := os.Stat(abs)
	if err == nil {
		if info.IsDir() {
			return false, Errorf(EInvalid, "%s is a folder, not a database file.", abs)
		}
		return info.Size() == 0, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return false, Errorf(EInvalid, "Cannot read %s: %v.", abs, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return false, Errorf(EInvalid, "Cannot create the folder for %s: %v.", abs, err)
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false, Errorf(EInvalid, "Cannot create %s: %v.", abs, err)
	}
	return true, f.Close()
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "unknown"
}

// Tx runs fn inside one write transaction and commits it if fn returns
// nil. Any error rolls everything back, so the database is never left
// half-written. On a server, several desktops' transactions run side by
// side; when the server breaks one off to keep them apart (a deadlock or a
// serialization failure: nothing of it was written), fn runs again, up to
// four times, before the person is told.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.retried(ctx, false, fn)
}

// BulkTx is Tx for a bulk write (a copy of a whole database, an import):
// on a server it holds the write lock alone (BeginWrite), so that no
// other desktop's save interleaves with its half-done work.
func (db *DB) BulkTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.retried(ctx, true, fn)
}

func (db *DB) retried(ctx context.Context, bulk bool, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.tx(ctx, bulk, fn)
		if db.Dialect != Postgres || attempt == 4 || !retryable(err) {
			return mapConstraint(err)
		}
		select {
		case <-ctx.Done():
			return mapConstraint(err)
		case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
		}
	}
}

func (db *DB) tx(ctx context.Context, bulk bool, fn func(tx *sql.Tx) error) error {
	tx, err := db.begin(ctx, bulk)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// retryable reports whether err is the server breaking a transaction off
// to keep concurrent ones apart: a deadlock or a serialization failure.
func retryable(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "SQLSTATE 40P01") || strings.Contains(err.Error(), "SQLSTATE 40001"))
}

// Backup writes a consistent copy of the database to path while it may be in
// use by others. It refuses to overwrite an existing file. A server's
// database is copied into a file that servicebook opens anywhere, or, when
// path ends in ".dump", written by the server's own pg_dump (pgdump.go).
func (db *DB) Backup(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Errorf(EInvalid, "Cannot use backup path %q: %v.", path, err)
	}
	if _, err := os.Stat(abs); err == nil {
		return Errorf(EInvalid, "%s already exists; choose a new file name for the backup.", abs)
	}
	if db.Dialect != Postgres && IsDumpPath(abs) {
		return Errorf(EInvalid, "%s: a .dump archive is written by pg_dump from a server; a file's backup is a file (a name ending in .db).", abs)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return Errorf(EInvalid, "Cannot create the folder for %s: %v.", abs, err)
	}
	// The copy is made in a private folder beside the target (0700, so the
	// file is readable by no one else while SQLite writes it with the
	// umask's mode), made 0600, then renamed into place: a killed or
	// disk-full backup leaves no partial file under the chosen name.
	work, err := os.MkdirTemp(filepath.Dir(abs), ".backup-*")
	if err != nil {
		return Errorf(EInvalid, "Cannot write a backup in %s: %v.", filepath.Dir(abs), err)
	}
	defer os.RemoveAll(work)
	tmp := filepath.Join(work, "backup.db")
	if db.Dialect == Postgres && IsDumpPath(abs) {
		if err := db.dumpServer(ctx, tmp); err != nil {
			return err
		}
		return linkInPlace(tmp, abs)
	}
	if db.Dialect == Postgres {
		// A server's database is backed up into a file: a new file at this
		// build's schema, every record copied and checked (Copy).
		if err := db.backupServer(ctx, tmp); err != nil {
			return err
		}
		return linkInPlace(tmp, abs)
	}
	// VACUUM INTO reads inside one transaction, so the copy is a snapshot even
	// while another connection writes; it is also compacted.
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return Errorf(EInvalid, "Backup to %s failed: %v; nothing was written there.", abs, sqliteReason(err))
	}
	return linkInPlace(tmp, abs)
}

// linkInPlace makes the finished backup tmp private and durable and puts
// it at abs, refusing (unlike a rename) to replace a file made meanwhile.
func linkInPlace(tmp, abs string) error {
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if f, err := os.Open(tmp); err == nil {
		f.Sync()
		f.Close()
	}
	if err := os.Link(tmp, abs); err != nil {
		return Errorf(EInvalid, "Backup to %s failed: %v.", abs, err)
	}
	return nil
}

// backupServer copies the server's database into a new file at tmp.
func (db *DB) backupServer(ctx context.Context, tmp string) error {
	file, err := Open(ctx, tmp)
	if err != nil {
		return err
	}
	defer file.Close()
	if _, err := copyRecords(ctx, db, file, false, false); err != nil {
		return Errorf(EInvalid, "Backup of %s failed: %v; nothing was written.", db.Path, ErrorMessage(err))
	}
	return nil
}

// CheckReport is what Check found.
type CheckReport struct {
	Integrity   []string // "ok" when the file is sound
	ForeignKeys []string // one line per dangling reference
}

// OK reports whether the database passed both checks.
func (r CheckReport) OK() bool {
	return len(r.ForeignKeys) == 0 && len(r.Integrity) == 1 && r.Integrity[0] == "ok"
}

// Check runs SQLite's integrity_check and foreign_key_check. A file so
// damaged that a check cannot run at all is reported as a problem of the
// report, in SQLite's words, not as an error.
func (db *DB) Check(ctx context.Context) (CheckReport, error) {
	var rep CheckReport
	if db.Dialect == Postgres {
		return rep, Errorf(EInvalid, "The database %s is on a server, which keeps its own integrity; back it up into a file (Back up…) and check that.", db.Path)
	}
	lines, err := queryStrings(ctx, db, "PRAGMA integrity_check")
	if err != nil && isCorrupt(err) {
		rep.Integrity = []string{sqliteReason(err)}
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	rep.Integrity = lines
	rows, err := db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		if isCorrupt(err) {
			rep.Integrity = append(rep.Integrity, sqliteReason(err))
			return rep, nil
		}
		return rep, err
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return rep, err
		}
		rep.ForeignKeys = append(rep.ForeignKeys, fmt.Sprintf("%s row %d refers to a missing %s", table, rowid.Int64, parent))
	}
	return rep, rows.Err()
}

// queryStrings is the first column of every row query returns, as text:
// a pragma's lines, table or column names.
func queryStrings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return out, err
		}
		out = append(out, line)
	}
	return out, rows.Err()
}

// isCorrupt reports whether err is SQLite finding the file damaged.
func isCorrupt(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "malformed") || strings.Contains(msg, "SQLITE_CORRUPT") || strings.Contains(msg, "(11)")
}

// NewestBackup finds the newest backup kept beside the database at path:
// those servicebook writes (NAME-backup-….db, ….before-….bak). "" when
// there is none.
func NewestBackup(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	stem := strings.TrimSuffix(abs, filepath.Ext(abs))
	var newest string
	var when time.Time
	for _, pattern := range []string{stem + "-backup-*.db", abs + ".before-*.bak"} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			if info, err := os.Stat(m); err == nil && info.ModTime().After(when) {
				newest, when = m, info.ModTime()
			}
		}
	}
	return newest
}
