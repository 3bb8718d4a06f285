#!/usr/bin/env python3
"""Proves a peer did the same job as kccbridge: compares two output folders.

Usage: compare_outputs.py KCCBRIDGE_DIR PEER_DIR [PEER_DIR ...]

For `convert --to xero-csv` folders: the same import files by name, each
either byte-identical or (said so) equal as parsed CSV rows; the problems
files equal in (File, Line, Severity, Document) row by row, a UTF-8
byte-order mark ignored (say whether the messages are word for word too).

For reconciliation outputs (`*.kcc-payments.csv`): the same payment rows,
compared as parsed CSV rows, in order.

Exit status 0 when every peer did the same job, 1 otherwise.
"""

import csv
import io
import os
import sys

BOM = b"\xef\xbb\xbf"


def rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def compare(reference, peer):
    ok = True
    names = sorted(n for n in os.listdir(reference) if n.endswith(".csv"))
    peer_names = sorted(n for n in os.listdir(peer) if n.endswith(".csv"))
    wanted = [n for n in names if not n.endswith((".reconciliation-report.csv", ".reconciliation-totals.csv"))]
    extra = sorted(set(peer_names) - set(names))
    if extra:
        print(f"  {peer}: files kccbridge did not write: {', '.join(extra)}")
        ok = False
    for name in wanted:
        if name not in peer_names:
            print(f"  {name}: missing from {peer}")
            ok = False
            continue
        with open(os.path.join(reference, name), "rb") as f:
            a = f.read()
        with open(os.path.join(peer, name), "rb") as f:
            b = f.read()
        bom = " (byte-order mark ignored)" if a.startswith(BOM) != b.startswith(BOM) else ""
        a, b = a.removeprefix(BOM), b.removeprefix(BOM)
        if a == b:
            print(f"  {name}: byte-identical{bom}")
            continue
        ra, rb = rows(a), rows(b)
        if name.endswith(".problems.csv"):
            key_a = [r[:4] for r in ra]
            key_b = [r[:4] for r in rb]
            if key_a != key_b:
                print(f"  {name}: DIFFERENT problems ({len(ra) - 1} rows vs {len(rb) - 1})")
                ok = False
            else:
                same = sum(1 for x, y in zip(ra, rb) if x == y) - 1
                print(f"  {name}: same {len(ra) - 1} problems (file, line, severity, document){bom};"
                      f" {same} word for word")
            continue
        if ra == rb:
            print(f"  {name}: same {len(ra) - 1} rows as parsed CSV{bom} (bytes differ: quoting or line ends)")
        else:
            first = next((i for i, (x, y) in enumerate(zip(ra, rb)) if x != y), min(len(ra), len(rb)))
            print(f"  {name}: DIFFERENT ({len(ra)} vs {len(rb)} rows; first difference at row {first + 1})")
            ok = False
    return ok


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    reference = sys.argv[1]
    ok = True
    for peer in sys.argv[2:]:
        print(f"{peer} against {reference}:")
        if compare(reference, peer):
            print("  same job: yes")
        else:
            print("  same job: NO")
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
