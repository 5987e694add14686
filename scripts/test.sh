#!/usr/bin/env bash
# Sets up this machine and runs every check: formatting, go vet, and all
# tests (unit, database, import/export round trips, command line, and the
# seed corpora of every fuzz target). No test needs a display.
cd "$(dirname "$0")/.."
# The PDF tests read every PDF back with pdftotext and check it with qpdf;
# the team-mode tests start a throw-away PostgreSQL server of their own.
test_packages=(poppler-utils qpdf postgresql)
source scripts/setup.sh
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
    say "these files are not gofmt-formatted:"
    printf '%s\n' "$unformatted" >&2
    exit 1
fi
go vet ./...
go test -count=1 ./...
# Every store test of every domain once more on a PostgreSQL server: the
# tests' databases come from store.MustOpen, which this makes a server's
# (tests of what only a file does open a file whatever it says).
SERVICEBOOK_TEST_BACKEND=postgres go test -count=1 ./cmdb ./continuity ./budget ./capacity ./audit ./export ./demo ./app
