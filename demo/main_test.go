package demo

import (
	"os"
	"testing"

	"servicebook/internal/pgtest"
)

// TestMain stops the test PostgreSQL server, which the tests use when
// SERVICEBOOK_TEST_BACKEND=postgres (store.MustOpen).
func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
