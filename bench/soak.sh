#!/usr/bin/env bash
# The watched-folder soak at full size: 300 files arriving while the watcher is
# killed with SIGKILL at random and started again (Tests/kccbridgeTests/WatchSoakTests.swift;
# `swift test` runs it with 40 files).
# Usage: bash bench/soak.sh [FILES]   (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
KCCBRIDGE_SOAK_FILES=${1:-300} swift test --filter WatchSoakTests
