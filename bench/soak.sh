#!/usr/bin/env bash
# The watched-folder soak at full size: 300 files arriving while the watcher is
# killed with SIGKILL at random and started again (Tests/kccbridgeTests/WatchSoakTests.swift;
# `swift test` runs it with 40 files): one watcher on an SQLite ledger, and two
# watchers sharing a PostgreSQL ledger (a throwaway server, .ci/start-postgres).
# Usage: bash bench/soak.sh [FILES]   (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
KCCBRIDGE_TEST_POSTGRES=${KCCBRIDGE_TEST_POSTGRES:-$(bash .ci/start-postgres)}
export KCCBRIDGE_TEST_POSTGRES
KCCBRIDGE_SOAK_FILES=${1:-300} swift test --filter WatchSoakTests
