package store

import "testing"

// TestServerMigrationsKeepUp: every schema version a file can reach has
// its server migration, so that a new SQLite migration without its
// PostgreSQL twin fails here rather than when a team opens its server.
func TestServerMigrationsKeepUp(t *testing.T) {
	ms, err := serverMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].version != serverBaseline || ms[len(ms)-1].version != SchemaVersion() {
		t.Errorf("server migrations %d…%d, want %d…%d", ms[0].version, ms[len(ms)-1].version, serverBaseline, SchemaVersion())
	}
}

func TestShownURLNeverShowsAPassword(t *testing.T) {
	for raw, want := range map[string]string{
		"postgres://anna:s3cret@db.bank.local:5432/servicebook?sslmode=verify-full&password=x": "postgres://anna@db.bank.local:5432/servicebook",
		"postgres:///?service=team&password=x":                                                 "postgres:///?service=team",
		"postgresql://db/sb":                                                                   "postgresql://db/sb",
		"postgres://%zz":                                                                       "postgres://(an address that cannot be read)",
	} {
		if got := ShownURL(raw); got != want {
			t.Errorf("ShownURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
