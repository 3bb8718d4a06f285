#!/usr/bin/env python3
"""A standard-library Python peer of `kccbridge convert BATCH --to xero-csv --out DIR --no-ledger`.

Reads a KCC batch in its CSV encoding (as `kccbridge generate --format csv`
writes it) and writes Xero's sales import files with the built-in defaults
(UK VAT names, account 200, DD/MM/YYYY dates, negative credit-note unit
amounts, Total and TaxAmount left empty, formula-like text escaped with `'`):

    DIR/STEM.xero-invoices.csv        (then .part2.csv, .part3.csv ... 500 documents each)
    DIR/STEM.xero-credit-notes.csv    (likewise)
    DIR/STEM.xero-csv.problems.csv    (only when something is held back or not carried)

It makes the checks whose cost matters, as kccbridge does: two streaming
passes (a survey of document numbers for duplicates and invoice orders, then
the documents), every amount parsed into integer minor units of its currency,
each line's net recomputed (quantity x unit price less discount, half up),
its tax checked against the rate, and every document's totals tied to the
penny (DocNet = sum of LineNet, DocTax = sum of LineTax, DocGross = DocNet +
DocTax). A document that fails is held back and listed; payments are listed
as not carried. Files are created exclusively (never overwritten), flushed to
disk and linked into place, as kccbridge does.

Usage: convert_xero_csv.py BATCH.csv --out DIR
"""

import argparse
import csv
import os
import re
import sys

XERO_HEADER = [
    "*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4",
    "POCity", "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber", "Reference", "*InvoiceDate", "*DueDate",
    "Total", "InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "Discount", "*AccountCode",
    "*TaxType", "TaxAmount", "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2", "Currency",
    "BrandingTheme",
]
PROBLEMS_HEADER = ["File", "Line", "Severity", "Document", "Field", "Message"]
PER_FILE = 500
SALES_ACCOUNT = "200"
# KCC tax code -> (Xero's display name, the configured rate as (units, scale)).
TAX = {
    "T0": ("Zero Rated Income", (0, 0)),
    "T1": ("20% (VAT on Income)", (20, 0)),
    "T5": ("5% (VAT on Income)", (5, 0)),
    "T9": ("No VAT", (0, 0)),
}
NOT_CARRIED = "Xero's CSV import has no payments; send prepayments with --to xero-xml"

# ISO 4217 active codes: two minor-unit digits unless listed under 0 or 3.
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF "
    "CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF "
    "IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR "
    "MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD "
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR "
    "ZMW ZWG"
)
DIGITS = {c: 2 for c in _TWO.split()}
DIGITS.update({c: 0 for c in _ZERO.split()})
DIGITS.update({c: 3 for c in _THREE.split()})
POW10 = [10 ** i for i in range(20)]

DOC_FIELDS = [
    "RecordType", "DocNumber", "OrderNumber", "DocDate", "DueDate", "CustomerCode", "CustomerName", "Email",
    "Address1", "Address2", "Town", "County", "Postcode", "Country", "Currency", "Source", "Subsource",
    "PaymentMethod", "RelatedInvoice", "Reason", "DocNet", "DocTax", "DocGross", "Amount",
]
LINE_FIELDS = [
    "LineNo", "SKU", "Description", "Quantity", "UnitPrice", "DiscountPercent", "TaxCode", "TaxRate", "LineNet",
    "LineTax",
]
REQUIRED = [
    "RecordType", "DocNumber", "OrderNumber", "DocDate", "DueDate", "CustomerCode", "CustomerName", "Currency",
    "LineNo", "Description", "Quantity", "UnitPrice", "TaxCode", "TaxRate", "LineNet", "LineTax", "DocNet",
    "DocTax", "DocGross", "Amount",
]
UNSUPPORTED = {"PURCHASE", "PURCHASEINVOICE", "PURCHASE_INVOICE", "PURCHASECREDIT", "SUPPLIER", "QUOTE",
               "QUOTATION", "PROFORMA"}
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMULA_START = frozenset("=+-@\t\r\n")
MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class Bad(Exception):
    """A value that cannot be read: the message says why."""


def decimal(text):
    """`text` as (units, scale), strictly: ASCII digits, at most one point with digits after it."""
    whole, point, frac = text.partition(".")
    if not (whole.isdigit() and whole.isascii()) or (point and not (frac.isdigit() and frac.isascii())):
        raise Bad(f"'{text}' is not a plain decimal number")
    if len(frac) > 6 or len(whole) > 15:
        raise Bad(f"'{text}' has too many digits")
    return int(whole + frac), len(frac)


def normalized(units, scale):
    """The shortest exact text of units/10^scale: `2.50` -> `2.5`, `20.00` -> `20`."""
    while scale and units % 10 == 0:
        units //= 10
        scale -= 1
    return money_text(units, scale)


def money(text, digits):
    """Money text as integer minor units of a currency with `digits` decimals."""
    whole, point, frac = text.partition(".")
    if not (whole.isdigit() and whole.isascii()) or (point and not (frac.isdigit() and frac.isascii())):
        raise Bad(f"'{text}' is not a plain decimal number")
    if len(frac) > digits:
        raise Bad(f"'{text}' has more than {digits} decimals")
    return int(whole) * POW10[digits] + (int(frac) * POW10[digits - len(frac)] if frac else 0)


def money_text(minor, digits):
    sign = "-" if minor < 0 else ""
    minor = -minor if minor < 0 else minor
    if not digits:
        return sign + str(minor)
    whole, frac = divmod(minor, POW10[digits])
    return f"{sign}{whole}.{frac:0{digits}d}"


def half_up(numerator, denominator):
    """numerator/denominator rounded half away from zero (denominator > 0)."""
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return -q if numerator < 0 else q


def day_first(text):
    """An ISO date `YYYY-MM-DD` written `DD/MM/YYYY`, or None when it is no real date."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    y, m, d = text[0:4], text[5:7], text[8:10]
    if not (y.isdigit() and m.isdigit() and d.isdigit() and text.isascii()):
        return None
    yi, mi, di = int(y), int(m), int(d)
    if not (1 <= yi <= 9999 and 1 <= mi <= 12):
        return None
    days = 29 if mi == 2 and (yi % 4 == 0 and (yi % 100 != 0 or yi % 400 == 0)) else MONTH_DAYS[mi]
    if not 1 <= di <= days:
        return None
    return f"{d}/{m}/{y}"


def safe_cell(text):
    """Formula-like text escaped as kccbridge's default `text_cells: escape` does."""
    return "'" + text if text and text[0] in FORMULA_START else text


class Output:
    """One file family, split into parts of PER_FILE documents: file names as kccbridge gives them."""

    def __init__(self, folder, stem, family, created):
        self.folder, self.stem, self.family, self.created = folder, stem, family, created
        self.part = 0
        self.docs = PER_FILE
        self.file = None
        self.writer = None

    def document(self, rows):
        if self.docs >= PER_FILE:
            self.close()
            self.part += 1
            suffix = "" if self.part == 1 else f".part{self.part}"
            path = f"{self.folder}/{self.stem}.{self.family}{suffix}.csv"
            self.file = open_new(path, self.created)
            self.writer = csv.writer(self.file, lineterminator="\r\n")
            self.writer.writerow(XERO_HEADER)
            self.docs = 0
        self.writer.writerows(rows)
        self.docs += 1

    def close(self):
        if self.file:
            self.file.close()
            self.file = None


def open_new(path, created):
    """A temporary file that `commit` later links to `path` (a name that is taken is an error, as in kccbridge)."""
    if os.path.exists(path):
        sys.exit(f"error: {path} exists already; nothing is overwritten")
    temp = f"{path}.tmp-{os.getpid()}"
    created.append((temp, path))
    return open(temp, "x", encoding="utf-8", newline="")


def commit(created, folder):
    """Every file flushed to disk, then linked into place, then the folder flushed."""
    for temp, _ in created:
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
    for temp, path in created:
        os.link(temp, path)
        os.unlink(temp)
    fd = os.open(folder, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


def read_rows(path):
    """(line the record starts on, fields) for every record after the header, and the header."""
    f = open(path, encoding="utf-8-sig", newline="")
    reader = csv.reader(f)
    header = next(reader)

    def rows():
        last = reader.line_num
        for row in reader:
            start = last + 1
            last = reader.line_num
            yield start, row
        f.close()

    return header, rows()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("batch")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    batch, folder = args.batch, args.out
    name = batch.rsplit("/", 1)[-1]
    stem = name[: name.rindex(".")] if "." in name[1:] else name
    os.makedirs(folder, exist_ok=True)

    header, _ = read_rows(batch)
    col = {}
    for i, h in enumerate(header):
        col.setdefault(h.lower(), i)
    missing = [f for f in REQUIRED if f.lower() not in col]
    if missing:
        sys.exit(f"{batch}:1: error: the header lacks the required columns {', '.join(missing)}; refused")
    idx = {f: col.get(f.lower()) for f in DOC_FIELDS + LINE_FIELDS}
    ncols = len(header)
    doc_idx = [i for f, i in idx.items() if f in DOC_FIELDS and i is not None]

    # Pass 1: the survey. Runs of one document number; a number with two runs is a duplicate.
    i_type, i_num, i_order = idx["RecordType"], idx["DocNumber"], idx["OrderNumber"]
    runs = {}
    invoice_order = {}
    run = None
    _, rows = read_rows(batch)
    for line, row in rows:
        number = row[i_num] if i_num < len(row) else ""
        if number != run:
            run = number
            runs.setdefault(number, []).append(line)
            if row[i_type].upper() == "INVOICE":
                invoice_order.setdefault(number, row[i_order])
    duplicates = {n: lines for n, lines in runs.items() if len(lines) > 1}
    del runs

    created = []
    invoices = Output(folder, stem, "xero-invoices", created)
    credits = Output(folder, stem, "xero-credit-notes", created)
    problems = []  # [file, line, severity, document, field, message]
    stats = {"written": 0, "not_carried": 0, "warnings": 0}
    read_numbers, held_numbers = set(), set()  # a number held back twice (a duplicate) is one document

    g = {f: i for f, i in idx.items() if i is not None}
    i_email, i_a1, i_a2 = g.get("Email"), g.get("Address1"), g.get("Address2")
    i_town, i_county, i_pc, i_country = g.get("Town"), g.get("County"), g.get("Postcode"), g.get("Country")
    i_lineno, i_desc, i_qty, i_price = g["LineNo"], g["Description"], g["Quantity"], g["UnitPrice"]
    i_disc, i_tcode, i_trate, i_net, i_tax = g.get("DiscountPercent"), g["TaxCode"], g["TaxRate"], g["LineNet"], g["LineTax"]

    def cell(row, i):
        return row[i] if i is not None and i < len(row) else ""

    def finish(number, first_line, rows_):
        """Check one document's rows, then write it or hold it back."""
        first = rows_[0][1]
        kind = first[i_type].upper()
        errors, warnings = [], []

        def err(line, field, message):
            errors.append([batch, str(line), "error", number, field, f"{message} — document {number} held back"])

        def warn(line, field, message):
            warnings.append([batch, str(line), "warning", number, field, f"{message} (document {number})"])

        mapping = []  # findings of the mapping, all at the document's first line, in the order made
        held = []

        def map_err(message, field=""):
            held.append(True)
            mapping.append([batch, str(first_line), "error", number, field, f"{message} — document {number} held back"])

        def map_warn(field, message):
            mapping.append([batch, str(first_line), "warning", number, field, f"{message} (document {number})"])

        def text(value, field, place=None):
            """Text made safe for the import file, as kccbridge's mapping does (every change reported)."""
            place = place or field
            if CONTROL.search(value):
                bad = CONTROL.search(value).group()
                map_err(f"{place} holds the control character U+{ord(bad):04X}, which no import file can carry", field)
                return value
            if value and value[0] in FORMULA_START:
                map_warn(field, f"{place} '{value}' starts like a spreadsheet formula;"
                                f" written as ''{value}' (text_cells: escape)")
                return "'" + value
            return value

        def map_contact():
            def opt(i, field):
                v = cell(first, i)
                return text(v, field) if v else ""
            return [text(cell(first, idx["CustomerName"]), "CustomerName"), opt(i_email, "Email"),
                    opt(i_a1, "Address1"), opt(i_a2, "Address2"), "", "", opt(i_town, "Town"),
                    opt(i_county, "County"), opt(i_pc, "Postcode"), cell(first, i_country), number, order,
                    date or "", due or date or "", "", ""]

        def reading_done():
            """Reading findings in line order; True when they hold the document back."""
            problems.extend(sorted(errors + warnings, key=lambda p: int(p[1])))
            stats["warnings"] += len(warnings)
            if errors:
                held_numbers.add(number)
            return bool(errors)

        def mapping_done():
            problems.extend(mapping)
            stats["warnings"] += sum(1 for m in mapping if m[2] == "warning")
            if held:
                held_numbers.add(number)
            return bool(held)

        if kind not in ("INVOICE", "CREDIT", "PAYMENT"):
            if kind in UNSUPPORTED:
                stats["warnings"] += 1
                problems.append([batch, str(first_line), "warning", number, "RecordType",
                                 f"RecordType {first[i_type]} is not read by kccbridge; {number} is skipped"])
            else:
                problems.append([batch, str(first_line), "error", number, "RecordType",
                                 f"RecordType '{first[i_type]}' is not INVOICE, CREDIT or PAYMENT — document {number} held back"])
                held_numbers.add(number)
            return
        read_numbers.add(number)
        if number in duplicates:
            others = ", ".join(str(x) for x in duplicates[number] if x != first_line)
            err(first_line, "DocNumber",
                f"DocNumber {number} occurs more than once in the batch (also at line {others}), so no copy is used")
        for line, row in rows_:
            if len(row) != ncols:
                err(line, "", f"this row has {len(row)} fields but the header has {ncols}")
        if len(rows_) > 1:
            firsts = [cell(first, i) for i in doc_idx]
            for line, row in rows_[1:]:
                if len(row) == ncols and [row[i] for i in doc_idx] != firsts:
                    err(line, "", "document-level fields differ from the first row (they must agree on every row)")
        order = cell(first, i_order)
        for field in ("OrderNumber", "DocDate", "CustomerCode", "CustomerName", "Currency"):
            if not cell(first, idx[field]):
                err(first_line, field, f"{field} is empty")
        date_text = cell(first, idx["DocDate"])
        date = day_first(date_text) if date_text else None
        if date_text and date is None:
            err(first_line, "DocDate", f"DocDate '{date_text}' is not a real date written YYYY-MM-DD")
        code = cell(first, idx["Currency"])
        digits = DIGITS.get(code)
        if code and digits is None:
            err(first_line, "Currency", f"Currency '{code}' is not an ISO 4217 currency code")
        country = cell(first, i_country)
        if country and not (len(country) == 2 and country.isascii() and country.isupper() and country.isalpha()):
            warn(first_line, "Country", f"Country '{country}' is not an ISO 3166 two-letter country code")

        due = None
        if kind == "PAYMENT":
            if len(rows_) > 1:
                err(rows_[1][0], "", f"a payment must have exactly one row, but this one has {len(rows_)}")
            amount_text = cell(first, idx["Amount"])
            if not amount_text:
                err(first_line, "Amount", "Amount is empty")
            elif digits is not None:
                try:
                    if money(amount_text, digits) == 0:
                        err(first_line, "Amount", "Amount is zero; a payment must be more than nothing")
                except Bad as e:
                    err(first_line, "Amount", f"Amount {e}")
            if reading_done():
                return
            map_contact()
            if mapping_done():
                return
            stats["not_carried"] += 1
            stats["warnings"] += 1
            problems.append([batch, str(first_line), "warning", number, "",
                             f"{number} is not carried by xero-csv: {NOT_CARRIED}"])
            return

        due_text = cell(first, idx["DueDate"])
        due = day_first(due_text) if due_text else None
        if kind == "INVOICE" and not due_text:
            err(first_line, "DueDate", "DueDate is empty")
        elif due_text and due is None:
            err(first_line, "DueDate", f"DueDate '{due_text}' is not a real date written YYYY-MM-DD")
        elif due and date and due_text < date_text:
            warn(first_line, "DueDate", f"DueDate {due_text} is before DocDate {date_text}")
        related = cell(first, idx["RelatedInvoice"])
        if kind == "CREDIT" and related and related in invoice_order and invoice_order[related] != order:
            err(first_line, "RelatedInvoice",
                f"RelatedInvoice {related} belongs to order {invoice_order[related]} in this batch, not to {order}")
        if cell(first, idx["Amount"]):
            err(first_line, "Amount", "Amount must be empty on an invoice or a credit note")

        net_sum = tax_sum = 0
        out_lines = []
        if digits is not None:
            for line, row in rows_:
                try:
                    lineno = cell(row, i_lineno)
                    if not (lineno.isdigit() and lineno.isascii() and 1 <= int(lineno) <= 100_000):
                        raise Bad(f"LineNo '{lineno}' is not a whole number from 1 to 100000")
                    description = cell(row, i_desc)
                    if not description:
                        raise Bad("Description is empty")
                    q_units, q_scale = decimal(cell(row, i_qty))
                    if q_units == 0:
                        raise Bad("Quantity is zero")
                    price = money(cell(row, i_price), digits)
                    disc_text = cell(row, i_disc)
                    d_units, d_scale = decimal(disc_text) if disc_text else (0, 0)
                    if d_units > 100 * POW10[d_scale]:
                        raise Bad(f"DiscountPercent {disc_text} is more than 100")
                    tax_code = cell(row, i_tcode)
                    if not tax_code:
                        raise Bad("TaxCode is empty")
                    r_units, r_scale = decimal(cell(row, i_trate))
                    net = money(cell(row, i_net), digits)
                    tax = money(cell(row, i_tax), digits)
                except Bad as e:
                    err(line, "", f"line {cell(row, i_lineno)}: {e}")
                    continue
                keep = 100 * POW10[d_scale] - d_units
                expected = half_up(price * q_units * keep, POW10[q_scale] * 100 * POW10[d_scale])
                if expected != net:
                    err(line, "LineNet",
                        f"line {lineno}: LineNet {money_text(net, digits)} does not equal Quantity × UnitPrice"
                        f" = {money_text(expected, digits)} (off by {money_text(abs(net - expected), digits)})")
                expected_tax = half_up(net * r_units, 100 * POW10[r_scale])
                off = abs(tax - expected_tax)
                if off == 1:
                    warn(line, "LineTax",
                         f"line {lineno}: LineTax {money_text(tax, digits)} differs by {money_text(off, digits)}"
                         f" from LineNet × TaxRate = {money_text(expected_tax, digits)}; kept as KCC computed it")
                elif off > 1:
                    err(line, "LineTax",
                        f"line {lineno}: LineTax {money_text(tax, digits)} does not match LineNet × TaxRate"
                        f" = {money_text(expected_tax, digits)} (off by {money_text(off, digits)})")
                net_sum += net
                tax_sum += tax
                out_lines.append((line, lineno, description, q_units, q_scale, price, disc_text, d_units, d_scale,
                                  tax_code, r_units, r_scale))
            try:
                doc_net = money(cell(first, idx["DocNet"]), digits)
                doc_tax = money(cell(first, idx["DocTax"]), digits)
                doc_gross = money(cell(first, idx["DocGross"]), digits)
            except Bad as e:
                err(first_line, "", f"document totals: {e}")
            else:
                if doc_net + doc_tax != doc_gross:
                    err(first_line, "DocGross",
                        f"DocGross {money_text(doc_gross, digits)} does not equal DocNet {money_text(doc_net, digits)}"
                        f" + DocTax {money_text(doc_tax, digits)}"
                        f" (off by {money_text(abs(doc_gross - doc_net - doc_tax), digits)})")
                if len(out_lines) == len(rows_):
                    if net_sum != doc_net:
                        err(first_line, "DocNet",
                            f"DocNet {money_text(doc_net, digits)} does not equal the sum of LineNet,"
                            f" {money_text(net_sum, digits)}")
                    if tax_sum != doc_tax:
                        err(first_line, "DocTax",
                            f"DocTax {money_text(doc_tax, digits)} does not equal the sum of LineTax,"
                            f" {money_text(tax_sum, digits)}")

        if reading_done():
            return
        contact = map_contact()
        negative = kind == "CREDIT"
        out = []
        for (line, lineno, description, q_units, q_scale, price, disc_text, d_units, d_scale, tax_code, r_units,
             r_scale) in out_lines:
            description = text(description, "Description", f"line {lineno}: Description")
            entry = TAX.get(tax_code)
            if entry is None:
                map_err(f"line {lineno}: TaxCode {tax_code} has no entry under tax_codes in the configuration")
                continue
            tax_name, (rate_units, rate_scale) = entry
            if r_units * POW10[rate_scale] != rate_units * POW10[r_scale]:
                map_warn("", f"line {lineno}: TaxRate {normalized(r_units, r_scale)}% differs from the"
                             f" {normalized(rate_units, rate_scale)}% of {tax_code} ({tax_name});"
                             f" the package will compute its own tax")
            out.append(contact + [description, normalized(q_units, q_scale),
                                  money_text(-price if negative else price, digits),
                                  normalized(d_units, d_scale) if disc_text else "", SALES_ACCOUNT, tax_name, "",
                                  "", "", "", "", code, ""])
        if mapping_done():
            return
        (credits if negative else invoices).document(out)
        stats["written"] += 1

    # Pass 2: each document's rows gathered, then checked and written.
    _, rows = read_rows(batch)
    current, current_line, gathered = None, 0, []
    for line, row in rows:
        number = row[i_num] if i_num < len(row) else ""
        if number == current and number:
            gathered.append((line, row))
            continue
        if gathered:
            finish(current, current_line, gathered)
        if not number:
            problems.append([batch, str(line), "error", "", "DocNumber",
                             "DocNumber is empty, so this row belongs to no document; the row is skipped"])
            current, gathered = None, []
            continue
        current, current_line, gathered = number, line, [(line, row)]
    if gathered:
        finish(current, current_line, gathered)
    invoices.close()
    credits.close()

    stats["read"], stats["held"] = len(read_numbers), len(held_numbers)
    if stats["held"] or stats["not_carried"]:
        path = f"{folder}/{stem}.xero-csv.problems.csv"
        with open_new(path, created) as f:
            f.write("\ufeff")
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(PROBLEMS_HEADER)
            writer.writerows([[safe_cell(c) for c in p] for p in problems])
    commit(created, folder)
    files = sum(1 for _, path in created if not path.endswith(".problems.csv"))
    print(f"{name} → xero-csv: {stats['read']} documents read, {stats['written']} written to {files} files,"
          f" {stats['not_carried']} not carried by xero-csv, {stats['held']} held back, {stats['warnings']} warnings")


if __name__ == "__main__":
    main()
