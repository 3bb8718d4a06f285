#!/usr/bin/env bash
# Speed and memory of the main paths, on generated batches of growing size.
# Usage: bash bench/run.sh [ORDERS...]   (default: 1000 10000 100000)
# Builds the release binary, generates batches in a temporary folder, and for
# each size and encoding times `check` and `convert` (xero-csv, xero-xml,
# qbd-iif, each into a fresh ledger, and xero-csv without one), printing wall
# time, documents per second and peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)

swift build -c release --product kccbridge >/dev/null
bin=$(swift build -c release --show-bin-path)/kccbridge
work=$(mktemp -d /tmp/kccbridge-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

measure() { # label docs command...
  local label=$1 docs=$2; shift 2
  local start end rss
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  rss=$(tail -1 "$work/rss")
  awk -v l="$label" -v s="$start" -v e="$end" -v r="$rss" -v d="$docs" \
    'BEGIN { t = e - s; printf "%-34s %9.2f s %12.0f docs/s %9.1f MiB\n", l, t, d / t, r / 1024 }'
}

printf "%-34s %11s %19s %13s\n" "run" "wall" "throughput" "peak RSS"
for n in "${sizes[@]}"; do
  for fmt in csv xml; do
    batch="$work/b$n.$fmt"
    "$bin" generate --orders "$n" --seed 42 --format "$fmt" --output "$batch"
    docs=$("$bin" check "$batch" | tail -1 | sed -E 's/.*: ([0-9]+) documents? read.*/\1/')
    size=$(du -m "$batch" | cut -f1)
    echo "# $n orders, $fmt, ${size} MB, $docs documents"
    measure "check $fmt" "$docs" "$bin" check "$batch"
    for target in xero-csv xero-xml qbd-iif; do
      rm -rf "$work/out" "$work"/ledger.sqlite*
      measure "convert $fmt → $target" "$docs" "$bin" convert "$batch" --to "$target" --out "$work/out" --ledger "$work/ledger.sqlite"
    done
    rm -rf "$work/out"
    measure "convert $fmt → xero-csv, no ledger" "$docs" "$bin" convert "$batch" --to xero-csv --out "$work/out" --no-ledger
    rm -f "$batch"
  done
done
