#!/usr/bin/env bash
# kccbridge beside its peers, in one command: the same jobs done by simple tools.
# Usage: bash bench/compare.sh [ORDERS...]        (default: 200000; e.g. 10000 100000 1000000 for growth)
#
#   convert --to xero-csv   kccbridge (into a fresh ledger, and with --no-ledger)
#                           vs bench/peers/convert_xero_csv.py (standard-library Python)
#                           vs bench/peers/convert_xero_csv_duckdb.py (DuckDB SQL; skipped if duckdb is absent)
#   check                   kccbridge check, in MB/s, vs `wc -l` on the same file (the byte-scan floor)
#   check, XML              kccbridge check of the same orders as an XML batch vs `xmllint --stream --noout` (libxml2
#                           parsing alone) and with `--schema schemas/kcc-batch.xsd` (parsing and validating, the
#                           first of check's two passes); skipped if xmllint is absent
#   reconcile               kccbridge reconcile of a refund CSV (bench/peers/make_refunds.py: 16 refunds per 100
#                           orders, every one matching), each run on a fresh copy of the converted ledger,
#                           vs bench/peers/reconcile_match.py (a dict-based Python matcher reading the batch)
#
# For each size it generates the batch (seed 42), runs every command RUNS times (default 3), alternating
# (A B C … A B C …), and takes the median wall time (a nanosecond clock around the command) and the median
# peak resident memory (/usr/bin/time -f '%e %M'). Then it checks that the peers did the same job
# (bench/peers/compare_outputs.py on the last run's files) and prints: ratios first, then absolute times and
# memory as measured on this machine, then how cost grows with the batch (seconds per 100,000 orders).
#
# KCCBRIDGE_BIN=path uses that binary; otherwise the release binary is built (swift build -c release).
# RUNS=n changes the number of runs; REFUNDS=n fixes the number of refunds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
peers=$root/bench/peers
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200000)
runs=${RUNS:-3}
export PYTHONDONTWRITEBYTECODE=1  # the peers import each other; leave no __pycache__ in the tree

if [ -n "${KCCBRIDGE_BIN:-}" ]; then
  bin=$KCCBRIDGE_BIN
else
  swift build -c release --product kccbridge >/dev/null
  bin=$(swift build -c release --show-bin-path)/kccbridge
fi
[ -x "$bin" ] || { echo "compare.sh: $bin is not an executable" >&2; exit 2; }

have_xmllint=yes
if ! command -v xmllint >/dev/null; then
  have_xmllint=no
  echo "skip: XML check beside xmllint (xmllint is not installed: apt-get install libxml2-utils)"
fi

have_duckdb=yes
if ! python3 -c 'import duckdb' 2>/dev/null; then
  have_duckdb=no
  echo "skip: DuckDB peer (the Python module duckdb is not installed: pip install duckdb)"
fi

work=$(mktemp -d /tmp/kccbridge-compare-XXXXXX)
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv
info=$work/sizes.tsv
: >"$results"
: >"$info"

# measure SIZE NAME COMMAND...: one timed run, appended to the results (failures are said, not hidden).
measure() {
  local size=$1 name=$2
  shift 2
  local start end rc=0
  start=$(date +%s%N)
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  end=$(date +%s%N)
  read -r _ rss < <(tail -1 "$work/time")
  printf '%s\t%s\t%s\t%s\t%s\n' "$size" "$name" "$(((end - start) / 1000))" "$rss" "$rc" >>"$results"
  if [ "$rc" -ne 0 ]; then
    echo "note: $name at $size orders exited with status $rc: $(tail -1 "$work/stderr")"
  fi
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "tools: $("$bin" --version 2>/dev/null | head -1 || echo kccbridge), $(python3 --version)$(
  [ $have_duckdb = yes ] && python3 -c 'import duckdb; print(", duckdb", duckdb.__version__)' | tr -d '\n')"

for n in "${sizes[@]}"; do
  batch=$work/b$n.csv
  refunds=$work/refunds$n.csv
  "$bin" generate --orders "$n" --seed 42 --output "$batch"
  docs=$("$bin" check "$batch" | tail -1 | sed -E 's/.*: ([0-9]+) documents? read.*/\1/')
  bytes=$(wc -c <"$batch")
  xml=$work/b$n.xml
  xml_bytes=0
  if [ $have_xmllint = yes ]; then
    "$bin" generate --orders "$n" --seed 42 --format xml --output "$xml"
    xml_bytes=$(wc -c <"$xml")
  fi
  count=${REFUNDS:-$((n * 16 / 100))}
  python3 "$peers/make_refunds.py" "$batch" "$count" --output "$refunds" >/dev/null
  refund_count=$(($(wc -l <"$refunds") - 1))
  printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$docs" "$bytes" "$refund_count" "$xml_bytes" >>"$info"
  echo "# $n orders: $docs documents, $((bytes / 1000000)) MB, $refund_count refunds; $runs runs of each"

  # The ledger every reconcile run starts from: the batch converted, nothing refunded yet.
  mkdir -p "$work/template"
  "$bin" convert "$batch" --to xero-csv --out "$work/template-out" --ledger "$work/template/ledger.sqlite" \
    >/dev/null 2>&1
  rm -rf "$work/template-out"

  for run in $(seq "$runs"); do
    rm -rf "$work/kcc" "$work/ledger"
    mkdir -p "$work/ledger"
    measure "$n" "kccbridge convert, ledger" \
      "$bin" convert "$batch" --to xero-csv --out "$work/kcc" --ledger "$work/ledger/ledger.sqlite"
    rm -rf "$work/kcc-nl"
    measure "$n" "kccbridge convert, no ledger" "$bin" convert "$batch" --to xero-csv --out "$work/kcc-nl" --no-ledger
    rm -rf "$work/py"
    measure "$n" "Python peer convert" python3 "$peers/convert_xero_csv.py" "$batch" --out "$work/py"
    if [ $have_duckdb = yes ]; then
      rm -rf "$work/duck"
      measure "$n" "DuckDB peer convert" python3 "$peers/convert_xero_csv_duckdb.py" "$batch" --out "$work/duck"
    fi
    measure "$n" "kccbridge check" "$bin" check "$batch"
    measure "$n" "wc -l" wc -l "$batch"
    if [ $have_xmllint = yes ]; then
      measure "$n" "kccbridge check, XML" "$bin" check "$xml"
      measure "$n" "xmllint --stream" xmllint --stream --noout "$xml"
      measure "$n" "xmllint --stream --schema" xmllint --stream --noout --schema "$root/schemas/kcc-batch.xsd" "$xml"
    fi
    rm -rf "$work/rec" "$work/rec-ledger"
    cp -r "$work/template" "$work/rec-ledger"
    measure "$n" "kccbridge reconcile" \
      "$bin" reconcile "$refunds" --out "$work/rec" --ledger "$work/rec-ledger/ledger.sqlite"
    { grep -h 'refunds:' "$work/stdout" || true; } | sed -E 's/;.*//; s/^/  kccbridge reconcile: /' | head -1 >"$work/rec-summary"
    rm -rf "$work/match"
    measure "$n" "Python matcher reconcile" python3 "$peers/reconcile_match.py" "$batch" "$refunds" --out "$work/match"
    sed 's/^/  Python matcher:      /' "$work/stdout" >"$work/match-summary"
  done

  echo "# same job? (the last run's files)"
  { python3 "$peers/compare_outputs.py" "$work/kcc" "$work/py" $([ $have_duckdb = yes ] && echo "$work/duck") || true
    python3 "$peers/compare_outputs.py" "$work/rec" "$work/match" || true; } |
    grep -E 'against|same job|DIFFERENT|missing|not write' | sed "s#$work/##g; s#^\([a-z]*\) against \([a-z]*\):#  \1 against \2:#" |
    paste -d' ' - - | sed 's/:  *same job/: same job/'
  cat "$work/rec-summary" "$work/match-summary" | sed "s#$work/##g"
  rm -rf "$work/kcc" "$work/kcc-nl" "$work/py" "$work/duck" "$work/rec" "$work/match" "$work/ledger" \
    "$work/rec-ledger" "$work/template" "$batch" "$refunds" "$xml"
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" "$info" <<'PY'
import statistics, sys
from collections import defaultdict

results, info = sys.argv[1], sys.argv[2]
wall, rss, failed = defaultdict(list), defaultdict(list), set()
for line in open(results):
    size, name, micros, kb, rc = line.rstrip("\n").split("\t")
    wall[int(size), name].append(int(micros) / 1e6)
    rss[int(size), name].append(int(kb) / 1024)
    if rc != "0":
        failed.add((int(size), name))
sizes, meta = [], {}
for line in open(info):
    size, docs, nbytes, nrefunds, xml_bytes = map(int, line.split("\t"))
    sizes.append(size)
    meta[size] = (docs, nbytes, nrefunds, xml_bytes)

def t(size, name):
    return statistics.median(wall[size, name]) if (size, name) in wall else None

def m(size, name):
    return statistics.median(rss[size, name]) if (size, name) in rss else None

def mbs(size, name):
    s = t(size, name)
    nbytes = meta[size][3] if "XML" in name or "xmllint" in name else meta[size][1]
    return nbytes / 1e6 / s if s else None

def cell(value, fmt):
    return format(value, fmt) if value is not None else "–"

head = "".join(f"{s:>14,}" for s in sizes)
print()
print("RATIOS (medians; kccbridge's time ÷ the peer's: below 1 means kccbridge is faster)")
print(f"{'orders':<52}{head}")
def ratio(label, a, b, invert=False):
    row = []
    for s in sizes:
        x, y = (mbs(s, a), mbs(s, b)) if invert else (t(s, a), t(s, b))
        row.append((f"{x / y:>13.2f}×" if x / y >= 0.1 else f"{x / y:>13.3f}×") if x and y else f"{'–':>14}")
    print(f"{label:<52}" + "".join(row))
ratio("convert xero-csv, ledger ÷ Python peer", "kccbridge convert, ledger", "Python peer convert")
ratio("convert xero-csv, ledger ÷ DuckDB peer", "kccbridge convert, ledger", "DuckDB peer convert")
ratio("convert xero-csv, no ledger ÷ Python peer", "kccbridge convert, no ledger", "Python peer convert")
ratio("convert xero-csv, no ledger ÷ DuckDB peer", "kccbridge convert, no ledger", "DuckDB peer convert")
ratio("check MB/s ÷ wc -l MB/s (share of the byte-scan floor)", "kccbridge check", "wc -l", invert=True)
ratio("check ÷ Python peer convert (for scale)", "kccbridge check", "Python peer convert")
ratio("check XML ÷ xmllint --stream --noout", "kccbridge check, XML", "xmllint --stream")
ratio("check XML ÷ xmllint --stream --noout --schema", "kccbridge check, XML", "xmllint --stream --schema")
ratio("reconcile ÷ Python matcher", "kccbridge reconcile", "Python matcher reconcile")

names = ["kccbridge convert, ledger", "kccbridge convert, no ledger", "Python peer convert", "DuckDB peer convert",
         "kccbridge check", "wc -l", "kccbridge check, XML", "xmllint --stream", "xmllint --stream --schema",
         "kccbridge reconcile", "Python matcher reconcile"]
print()
print("ABSOLUTE (on this machine: median wall time, spread of the runs, throughput, median peak RSS)")
for s in sizes:
    docs, nbytes, nrefunds, xml_bytes = meta[s]
    print(f"# {s:,} orders: {docs:,} documents, {nbytes / 1e6:.0f} MB batch ({xml_bytes / 1e6:.0f} MB as XML),"
          f" {nrefunds:,} refunds")
    for name in names:
        if (s, name) not in wall:
            continue
        runs = wall[s, name]
        unit = nrefunds if "reconcile" in name else docs
        what = "refunds/s" if "reconcile" in name else "docs/s"
        flag = "  (a run failed)" if (s, name) in failed else ""
        rate = "" if "reconcile" in name else f"{mbs(s, name):8.1f} MB/s"
        print(f"  {name:<30}{t(s, name):9.2f} s  ({min(runs):.2f}–{max(runs):.2f}){unit / t(s, name):>12,.0f} {what:<9}"
              f"{rate:>13}{m(s, name):9.1f} MiB{flag}")

print()
print("GROWTH (median seconds per 100,000 orders; last column: that cost at the largest size ÷ at the smallest)")
print(f"{'orders':<32}{head}{'growth':>10}")
for name in names:
    per = [t(s, name) * 100000 / s if t(s, name) else None for s in sizes]
    growth = f"{per[-1] / per[0]:>9.2f}×" if len(sizes) > 1 and per[0] and per[-1] else f"{'–':>10}"
    print(f"{name:<32}" + "".join(f"{cell(p, '14.3f')}" if p is not None else f"{'–':>14}" for p in per) + growth)
print(f"{'peak RSS, MiB':<32}")
for name in names:
    print(f"  {name:<30}" + "".join(f"{m(s, name):14.1f}" if m(s, name) else f"{'–':>14}" for s in sizes))
PY
