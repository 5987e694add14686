// Package pgtest runs a throw-away PostgreSQL server for tests: a cluster
// made with initdb in a temporary folder, listening on a free loopback
// port, stopped and removed when the tests end. Each test gets a database
// of its own on it. PostgreSQL comes from the machine (Debian's
// postgresql package, which scripts/test.sh installs): a test that needs it
// fails, naming what is missing, rather than passing without it.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for making and dropping databases
)

// Run runs the tests and stops the server if one was started; a package
// whose tests use DSN calls it from TestMain: os.Exit(pgtest.Run(m)).
func Run(m *testing.M) int {
	code := m.Run()
	server.stop()
	return code
}

// NewDatabase makes an empty database on the test server for tb, dropped
// when tb ends, and returns its URL.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	base, err := server.start()
	if err != nil {
		tb.Fatalf("PostgreSQL test server: %v", err)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), databases.Add(1))
	createDatabase(tb, base, name)
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base+"/postgres")
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return base + "/" + name
}

var databases atomic.Int64

var server testServer

type testServer struct {
	once    sync.Once
	base    string // postgres://user@127.0.0.1:port
	err     error
	dir     string
	pgCtl   string
	runAs   []string // the command prefix that runs as the cluster's owner
	started bool
}

func (s *testServer) start() (string, error) {
	s.once.Do(func() { s.base, s.err = s.run() })
	return s.base, s.err
}

func (s *testServer) run() (string, error) {
	// A server named by SERVICEBOOK_PGTEST (postgres://user@host:port, a
	// superuser on a throw-away cluster) is used instead of starting one:
	// benchmarks then keep their 100k-CI database between runs rather than
	// copying it again (a minute and a half) in each.
	if base := os.Getenv("SERVICEBOOK_PGTEST"); base != "" {
		return strings.TrimSuffix(base, "/"), nil
	}
	bin, err := binaries()
	if err != nil {
		return "", err
	}
	s.pgCtl = filepath.Join(bin, "pg_ctl")
	if s.dir, err = os.MkdirTemp("", "servicebook-pgtest-"); err != nil {
		return "", err
	}
	owner := ""
	// initdb refuses to run as root: the cluster belongs to the postgres
	// user (or nobody), as on a server.
	if os.Geteuid() == 0 {
		for _, name := range []string{"postgres", "nobody"} {
			if u, err := user.Lookup(name); err == nil {
				owner = name
				uid, _ := strconv.Atoi(u.Uid)
				gid, _ := strconv.Atoi(u.Gid)
				if err := os.Chown(s.dir, uid, gid); err != nil {
					return "", err
				}
				break
			}
		}
		if owner == "" {
			return "", fmt.Errorf("running as root and no postgres or nobody user to own the test cluster")
		}
		s.runAs = []string{"runuser", "-u", owner, "--"}
	}
	data := filepath.Join(s.dir, "data")
	if out, err := s.command(filepath.Join(bin, "initdb"), "-D", data, "-U", "servicebook", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		return "", fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// Sign-ins as on a server in use: the tests' own superuser is trusted
	// from this machine, everyone else gives a password (SCRAM), which is
	// what lets a test check passwords, ~/.pgpass and a refused sign-in.
	hba := "local all all trust\nhost all servicebook 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
	if out, err := s.command("sh", "-c", "cat > "+filepath.Join(data, "pg_hba.conf")+" <<'EOF'\n"+hba+"EOF\n").CombinedOutput(); err != nil {
		return "", fmt.Errorf("writing pg_hba.conf: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return "", err
	}
	// TLS as a server in production has it: a certificate for 127.0.0.1
	// signed by a CA of the test's own (TLSRoot), so that a test can
	// connect with sslmode=verify-full.
	if err := s.writeCertificates(owner); err != nil {
		return "", err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"+
		" -c ssl=on -c ssl_cert_file=%s -c ssl_key_file=%s", port, s.dir,
		filepath.Join(s.dir, "server.crt"), filepath.Join(s.dir, "server.key"))
	if out, err := s.command(s.pgCtl, "-D", data, "-o", opts, "-l", filepath.Join(s.dir, "log"), "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return "", fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	s.started = true
	base := fmt.Sprintf("postgres://servicebook@127.0.0.1:%d", port)
	// pg_ctl -w waits for the server to accept connections; a check here
	// turns a server that started wrong into a clear message.
	db, err := sql.Open("pgx", base+"/postgres")
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		return "", fmt.Errorf("the test server does not answer: %v", err)
	}
	return base, nil
}

func (s *testServer) command(name string, args ...string) *exec.Cmd {
	all := append(slices.Clone(s.runAs), append([]string{name}, args...)...)
	cmd := exec.Command(all[0], all[1:]...)
	cmd.Dir = s.dir
	return cmd
}

func (s *testServer) stop() {
	if s.started {
		s.command(s.pgCtl, "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop").Run()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// binaries is the folder holding initdb and pg_ctl: on the PATH, or the
// newest of Debian's /usr/lib/postgresql/N/bin (not on the PATH there).
func binaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "pg_ctl")); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(strings.Split(a, "/")[4])
		vb, _ := strconv.Atoi(strings.Split(b, "/")[4])
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL is not installed (no initdb on the PATH or in /usr/lib/postgresql/*/bin): apt-get install postgresql")
}

// freePort is a loopback TCP port nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// KeptDatabase is a database on the test server that lives as long as the
// server (benchmarks share one across runs: filling it takes a minute),
// made empty the first time it is asked for; made reports that it was.
func KeptDatabase(tb testing.TB, name string) (dsn string, made bool) {
	tb.Helper()
	base, err := server.start()
	if err != nil {
		tb.Fatalf("PostgreSQL test server: %v", err)
	}
	kept.Lock()
	defer kept.Unlock()
	if !kept.names[name] && !databaseExists(tb, base, name) {
		createDatabase(tb, base, name)
		if kept.names == nil {
			kept.names = map[string]bool{}
		}
		kept.names[name], made = true, true
	}
	return base + "/" + name, made
}

var kept struct {
	sync.Mutex
	names map[string]bool
}

// databaseExists reports whether a database called name is on the server
// at base: one a benchmark kept on a server named by SERVICEBOOK_PGTEST.
// A server this process started has none yet.
func databaseExists(tb testing.TB, base, name string) bool {
	tb.Helper()
	if !server.kept() {
		return false
	}
	admin, err := sql.Open("pgx", base+"/postgres")
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		tb.Fatalf("PostgreSQL test server: %v", err)
	}
	return n > 0
}

// kept reports that the server outlives this process (SERVICEBOOK_PGTEST).
func (s *testServer) kept() bool { return !s.started && s.err == nil && s.base != "" }

// createDatabase makes an empty database name on the server at base.
func createDatabase(tb testing.TB, base, name string) {
	tb.Helper()
	admin, err := sql.Open("pgx", base+"/postgres")
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("PostgreSQL test server: %v", err)
	}
}
