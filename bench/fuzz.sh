#!/usr/bin/env bash
# Fuzz every reader of untrusted files (KCC batches in CSV and XML, refund
# files of every kind) with libFuzzer and AddressSanitizer.
# Usage: bash bench/fuzz.sh [SECONDS]   (default 120)
# Crash reproducers land in ./fuzz-crashes/; replay one with
#   .build-fuzz/release/kccbridge-fuzz fuzz-crashes/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
swift build -c release --scratch-path .build-fuzz --product kccbridge-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
corpus=$(mktemp -d /tmp/kccbridge-corpus-XXXXXX)
cp samples/*.csv samples/*.xml Tests/ReconciliationTests/Fixtures/* Tests/RefundsTests/Fixtures/*.json Tests/RefundsTests/Fixtures/*.xml Tests/RefundsTests/Fixtures/*.qbxml Tests/RefundsTests/Fixtures/*.csv Tests/RefundsTests/Fixtures/*.tsv Tests/kccbridgeTests/Fixtures/* Tests/ConversionTests/Fixtures/qbo-*/*.xml Tests/ConversionTests/Fixtures/qbo-*/*.json "$corpus"/
mkdir -p fuzz-crashes
SWIFT_BACKTRACE=enable=no .build-fuzz/release/kccbridge-fuzz "$corpus" -artifact_prefix=fuzz-crashes/ \
  -max_total_time="$seconds" -max_len=20000 -timeout=10 -rss_limit_mb=2048
