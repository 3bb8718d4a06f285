#!/usr/bin/env python3
"""Writes N refunds against the credit notes of a generated KCC batch, as a refund CSV.

Usage: make_refunds.py BATCH.csv N --output REFUNDS.csv [--seed S]

The file is in the shape `kccbridge reconcile` reads as `refund-csv` (any CSV
with a refund id and an amount, columns by their usual names):

    RefundId,OrderNumber,CreditNote,Amount,Currency,Date,Reference,Method

Each refund goes to a different credit note of the batch, chosen with a fixed
seed, so that after `kccbridge convert BATCH --to xero-csv` into a ledger every
one of them matches:
  - 70 %: the credit note named, its whole gross refunded      -> matched
  - 15 %: the credit note named, part of it refunded           -> partial
  - 15 %: only the order named (no credit note, a reference
          that names neither), the whole gross refunded        -> matched-by-order
N is capped at the number of credit notes in the batch (a notice says so).
Dates are two days after the credit note's, ISO (YYYY-MM-DD).
"""

import argparse
import csv
import random
import sys

from convert_xero_csv import DIGITS, money, money_text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("batch")
    parser.add_argument("count", type=int)
    parser.add_argument("--output", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    notes = []  # (number, order, currency, gross text, date, method)
    with open(args.batch, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.lower() for h in next(reader)]
        i = {name: header.index(name.lower()) for name in (
            "RecordType", "DocNumber", "OrderNumber", "Currency", "DocGross", "DocDate", "PaymentMethod")}
        last = None
        for row in reader:
            number = row[i["DocNumber"]]
            if number == last:
                continue
            last = number
            if row[i["RecordType"]].upper() == "CREDIT":
                notes.append((number, row[i["OrderNumber"]], row[i["Currency"]], row[i["DocGross"]],
                              row[i["DocDate"]], row[i["PaymentMethod"]]))
    count = args.count
    if count > len(notes):
        print(f"make_refunds: the batch has {len(notes)} credit notes; writing {len(notes)} refunds, not {count}",
              file=sys.stderr)
        count = len(notes)
    rng = random.Random(args.seed)
    chosen = rng.sample(range(len(notes)), count)
    chosen.sort()  # refunds in the order their credit notes were issued
    kinds = {"matched": 0, "partial": 0, "matched-by-order": 0}
    with open(args.output, "x", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["RefundId", "OrderNumber", "CreditNote", "Amount", "Currency", "Date", "Reference", "Method"])
        for serial, index in enumerate(chosen, 1):
            number, order, currency, gross, date, method = notes[index]
            digits = DIGITS[currency]
            gross_minor = money(gross, digits)
            roll = rng.random()
            y, m, d = int(date[:4]), int(date[5:7]), int(date[8:10])
            # Two days later, within the month or into the next (the batches span a few weeks).
            d += 2
            days = 29 if m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else \
                (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[m - 1]
            if d > days:
                d, m = d - days, m + 1
                if m > 12:
                    m, y = 1, y + 1
            when = f"{y:04d}-{m:02d}-{d:02d}"
            refund_id = f"R{serial:07d}"
            if roll < 0.70 or (roll < 0.85 and gross_minor < 2):
                writer.writerow([refund_id, "", number, gross, currency, when, f"refund of {number}", method])
                kinds["matched"] += 1
            elif roll < 0.85:
                part = rng.randint(1, gross_minor - 1)
                writer.writerow([refund_id, "", number, money_text(part, digits), currency, when,
                                 f"part refund of {number}", method])
                kinds["partial"] += 1
            else:
                writer.writerow([refund_id, order, "", gross, currency, when, "goodwill refund", method])
                kinds["matched-by-order"] += 1
    print(f"{args.output}: {count} refunds, " + ", ".join(f"{v} {k}" for k, v in kinds.items()))


if __name__ == "__main__":
    main()
