#!/usr/bin/env bash
# Sets up this machine, builds servicebook and runs it on the default
# database (created with sample data on the very first run). Arguments are
# passed on: scripts/run.sh ci list, scripts/run.sh --help.
cd "$(dirname "$0")/.."
source scripts/setup.sh
mkdir -p bin
go build -ldflags "-X servicebook/cli.Version=$(git describe --always --dirty 2>/dev/null || echo dev)" -o bin/servicebook . \
    || fail "the build failed; see the messages above"
exec bin/servicebook "$@"
