package store

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestPgToolCommandKeepsThePasswordOffTheCommandLine: pg_dump is given the
// address without its password (any user of the machine can read a
// command line) and without pgx's own settings, which libpq refuses; the
// password reaches it in its environment only.
func TestPgToolCommandKeepsThePasswordOffTheCommandLine(t *testing.T) {
	for raw, want := range map[string]string{
		"postgres://anna:s3cret@db.bank.local:5432/servicebook?sslmode=verify-full&plan_cache_mode=auto": "--dbname=postgres://anna@db.bank.local:5432/servicebook?sslmode=verify-full",
		"postgres://anna@db.bank.local/servicebook?password=s3cret":                                      "--dbname=postgres://anna@db.bank.local/servicebook",
	} {
		cmd, err := pgToolCommand(context.Background(), "pg_dump", raw, "--format=custom")
		if err != nil {
			t.Fatal(err)
		}
		if got := cmd.Args[len(cmd.Args)-1]; got != want {
			t.Errorf("%s: pg_dump given %q, want %q", raw, got, want)
		}
		if strings.Contains(strings.Join(cmd.Args, " "), "s3cret") {
			t.Errorf("%s: the password is on the command line: %q", raw, cmd.Args)
		}
		if !slices.Contains(cmd.Env, "PGPASSWORD=s3cret") {
			t.Errorf("%s: the password is not in pg_dump's environment", raw)
		}
	}
	cmd, err := pgToolCommand(context.Background(), "pg_dump", "postgres://anna@db/servicebook", "--format=custom")
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(cmd.Env, func(e string) bool {
		return strings.HasPrefix(e, "PGPASSWORD=") && e != "PGPASSWORD="+os.Getenv("PGPASSWORD")
	}) {
		t.Error("a PGPASSWORD was made up for an address without a password")
	}
}
