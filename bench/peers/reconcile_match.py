#!/usr/bin/env python3
"""A dict-based Python peer of `kccbridge reconcile REFUNDS.csv --out DIR` for a refund CSV.

Usage: reconcile_match.py BATCH.csv REFUNDS.csv --out DIR [--source csv]

Where kccbridge looks credit notes and orders up in its ledger, this reads
the batch itself: every invoice and credit note in it is taken as exported
(true of a clean generated batch converted with `--to xero-csv`), credit
notes by number (order, currency, gross in minor units) and by order. Then
each refund of the CSV (read as `refund-csv` reads it: columns by their usual
names, e.g. RefundId, Amount, Currency, Date, CreditNote, OrderNumber,
Reference, Method) gets one outcome, in file order, each applied refund
lowering what is open on its credit note for the ones after it:

  matched / partial      its credit note (named, or standing whole in the reference) has
                         enough open in its currency (all of it / part of it)
  matched-by-order       no credit note found; its order (named, or in the reference) has
                         one credit note with enough open in the currency
  over-refund, currency-mismatch, ambiguous, needs-credit-note,
  skipped-unmatched-order, duplicate, conflict, invalid   (listed, not written)

It writes DIR/REFUNDS.kcc-payments.csv, KCC's payment import (RefundId, Date,
Amount, Currency, CreditNote, OrderNumber, Method, Reference, SourceSystem),
one row per refund applied, and prints the count per outcome. It writes no
XML twin, no report and records nothing (kccbridge does all three).
"""

import argparse
import csv
import os
import re
import sys

from convert_xero_csv import DIGITS, FORMULA_START, money_text

COLUMNS = {  # field -> header names, first present wins (compared ignoring case, spaces and punctuation)
    "id": ["RefundId", "Refund ID", "pkRefundRowId", "RefundRowId", "PaymentID", "TxnID", "Id"],
    "order": ["OrderNumber", "NumOrderId", "Order Number", "Order Id", "OrderId", "Order"],
    "credit": ["CreditNote", "Credit Note Number", "Credit Note", "CreditNoteNumber"],
    "amount": ["Amount", "RefundAmount", "Refund Amount"],
    "currency": ["Currency", "CurrencyCode", "Currency Code"],
    "date": ["Date", "RefundDate", "Refund Date", "DateRefunded", "CreatedDate", "Created"],
    "reference": ["Reference", "RefundReference", "Refund Reference", "Memo", "Description", "Narrative"],
    "method": ["Method", "PaymentMethod", "Payment Method", "RefundMethod"],
}
PAYMENT_COLUMNS = ["RefundId", "Date", "Amount", "Currency", "CreditNote", "OrderNumber", "Method", "Reference",
                   "SourceSystem"]
TOKEN = re.compile(r"[\w/-]+")
TIME = re.compile(r"([T ]([01]\d|2[0-3]):[0-5]\d.*)?")


def normalise(name):
    return "".join(c for c in name.lower() if c.isalnum())


def tokens(text):
    """Words of a reference that could be document numbers, as kccbridge cuts them."""
    out = []
    for t in TOKEN.findall(text):
        if len(t) >= 3:
            t = t.strip("-_/")
            if len(t) >= 3:
                out.append(t)
    return out


def amount_minor(text, digits):
    """A refund amount in minor units (zeros past the currency's digits allowed), or None."""
    if not text or text.startswith("-"):
        return None
    whole, point, frac = text.partition(".")
    if not (whole.isdigit() and whole.isascii()) or (point and not (frac.isdigit() and frac.isascii())):
        return None
    frac = frac.rstrip("0") if len(frac) > digits else frac
    if len(frac) > digits:
        return None
    value = int(whole) * 10 ** digits + (int(frac) * 10 ** (digits - len(frac)) if frac else 0)
    return value or None


def iso_date(text):
    """The refund's date as YYYY-MM-DD: ISO, DD/MM/YYYY or DD.MM.YYYY, optionally with a time; else None."""
    if not text or len(text) < 10 or not TIME.fullmatch(text[10:]):
        return None
    day = text[:10]
    if day[2] in "/." and day[5] == day[2]:
        day = f"{day[6:10]}-{day[3:5]}-{day[0:2]}"
    if day[4] != "-" or day[7] != "-" or not (day[:4] + day[5:7] + day[8:]).isdigit():
        return None
    y, m, d = int(day[:4]), int(day[5:7]), int(day[8:])
    days = (31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if not (1970 <= y <= 2099 and 1 <= m <= 12 and 1 <= d <= days[m - 1]):
        return None
    return day


def read_batch(path):
    """Credit notes by number -> [order, currency, gross minor, open minor]; credit notes by order; known orders."""
    notes, by_order, orders = {}, {}, set()
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.lower() for h in next(reader)]
        i_type, i_num, i_order, i_cur, i_gross = (header.index(n) for n in (
            "recordtype", "docnumber", "ordernumber", "currency", "docgross"))
        last = None
        for row in reader:
            number = row[i_num]
            if number == last:
                continue
            last = number
            kind = row[i_type].upper()
            if kind == "CREDIT":
                order, currency = row[i_order], row[i_cur]
                gross = amount_minor(row[i_gross], DIGITS[currency]) or 0
                notes[number] = [order, currency, gross, gross]
                by_order.setdefault(order, []).append(number)
                orders.add(order)
            elif kind == "INVOICE":
                orders.add(row[i_order])
    return notes, by_order, orders


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("batch")
    parser.add_argument("refunds")
    parser.add_argument("--out", required=True)
    parser.add_argument("--source", default="csv", help="the source the refunds are known by (default: csv)")
    args = parser.parse_args()

    notes, by_order, orders = read_batch(args.batch)
    counts = {}
    payments = []
    seen = {}  # refund id -> (amount, currency, date) as first read
    applied = set()

    with open(args.refunds, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [normalise(h) for h in next(reader)]
        col, taken = {}, set()
        for field, names in COLUMNS.items():
            for name in names:
                n = normalise(name)
                if n in header and header.index(n) not in taken:
                    col[field] = header.index(n)
                    taken.add(col[field])
                    break
        if "id" not in col or "amount" not in col:
            sys.exit(f"{args.refunds}:1: no column holds the refund id or the amount")
        width = len(header)
        get = {field: (lambda row, i=i: row[i].strip() if i < len(row) else "") for field, i in col.items()}
        blank = lambda row: ""  # noqa: E731
        g_id, g_amount = get["id"], get["amount"]
        g_cur, g_date = get.get("currency", blank), get.get("date", blank)
        g_credit, g_order = get.get("credit", blank), get.get("order", blank)
        g_ref, g_method = get.get("reference", blank), get.get("method", blank)

        for row in reader:
            refund_id, currency, ref = g_id(row), g_cur(row).upper(), g_ref(row)
            digits = DIGITS.get(currency)
            amount = amount_minor(g_amount(row), digits) if digits is not None else None
            date = iso_date(g_date(row))
            if not refund_id or amount is None or date is None or len(row) != width:
                counts["invalid"] = counts.get("invalid", 0) + 1
                continue
            version = (amount, currency, date)
            earlier = seen.setdefault(refund_id, version)
            if earlier != version:
                counts["conflict"] = counts.get("conflict", 0) + 1
                continue
            if refund_id in applied:
                counts["duplicate"] = counts.get("duplicate", 0) + 1
                continue

            outcome, note_number, order = None, None, g_order(row) or None
            given = g_credit(row)
            note = notes.get(given) if given else None
            if note is not None:
                note_number = given
            elif ref:
                for token in tokens(ref):
                    if token != given and token in notes:
                        note_number, note = token, notes[token]
                        break
            if note is not None:
                by_order_match = False
            else:
                by_order_match = True
                if order is None and ref:
                    order = next((t for t in tokens(ref) if t in orders or t in by_order), None)
                if order is None:
                    outcome = "skipped-unmatched-order"
                else:
                    candidates = by_order.get(order, [])
                    if not candidates:
                        outcome = "needs-credit-note" if order in orders else "skipped-unmatched-order"
                    else:
                        same = [n for n in candidates if notes[n][1] == currency]
                        if not same:
                            outcome = "currency-mismatch"
                        else:
                            enough = [n for n in same if notes[n][3] >= amount]
                            exact = [n for n in enough if notes[n][3] == amount]
                            if len(enough) == 1:
                                note_number = enough[0]
                            elif len(exact) == 1:
                                note_number = exact[0]
                            elif not enough:
                                note_number = max(same, key=lambda n: notes[n][3])
                            else:
                                outcome = "ambiguous"
                            note = notes[note_number] if note_number else None
            if outcome is None:
                if note[1] != currency:
                    outcome = "currency-mismatch"
                elif amount > note[3]:
                    outcome = "over-refund"
                elif by_order_match:
                    outcome = "matched-by-order"
                elif amount == note[3]:
                    outcome = "matched"
                else:
                    outcome = "partial"
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome in ("matched", "partial", "matched-by-order"):
                note[3] -= amount
                applied.add(refund_id)
                payments.append([refund_id, date, money_text(amount, digits), currency, note_number,
                                 order or note[0], g_method(row), ref, args.source])

    os.makedirs(args.out, exist_ok=True)
    name = args.refunds.rsplit("/", 1)[-1]
    stem = name[: name.rindex(".")] if "." in name[1:] else name
    path = f"{args.out}/{stem}.kcc-payments.csv"
    with open(path, "x", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(PAYMENT_COLUMNS)
        writer.writerows([["'" + c if c and c[0] in FORMULA_START else c for c in p] for p in payments])
        out.flush()
        os.fsync(out.fileno())
    total = sum(counts.values())
    print(f"{name}: {total} refunds: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
