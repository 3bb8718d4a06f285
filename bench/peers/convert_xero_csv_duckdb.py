#!/usr/bin/env python3
"""A DuckDB peer of `kccbridge convert BATCH --to xero-csv --out DIR --no-ledger`.

The same job as convert_xero_csv.py, done in DuckDB SQL: the batch is read
into a table (every cell as text, in file order), the checks are set-based
queries (money in integer minor units; each line's net recomputed half up and
its tax checked; DocNet, DocTax and DocGross tied to the lines to the penny;
duplicate document numbers; document-level fields agreeing on every row; an
invoice's order for a credit note's RelatedInvoice), the good documents are
mapped to Xero's template (UK VAT names, account 200, DD/MM/YYYY, negative
credit-note unit amounts, formula-like text escaped) and written by one COPY,
partitioned into files of 500 documents, renamed to kccbridge's names and
flushed to disk. Python only parses arguments, renames and fsyncs the files,
and adds the problems file's byte-order mark.

Known differences from kccbridge's bytes: DuckDB's CSV writer does not quote a
field only because it starts or ends with a space (kccbridge does); the parsed
content is the same. Problem messages for held-back documents are shorter
than kccbridge's (the `not carried` and formula warnings are word for word).

Usage: convert_xero_csv_duckdb.py BATCH.csv --out DIR [--threads N]
"""

import argparse
import os
import shutil
import sys

try:
    import duckdb
except ImportError:
    sys.exit("duckdb is not installed (pip install duckdb)")

from convert_xero_csv import DIGITS, NOT_CARRIED, PER_FILE, REQUIRED, TAX, UNSUPPORTED, XERO_HEADER

FORMULA = "('=', '+', '-', '@', chr(9), chr(13), chr(10))"
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"
UNSUPPORTED = "(" + ", ".join(f"'{k}'" for k in sorted(UNSUPPORTED)) + ")"
DOC_FIELDS = [
    "RecordType", "DocNumber", "OrderNumber", "DocDate", "DueDate", "CustomerCode", "CustomerName", "Email",
    "Address1", "Address2", "Town", "County", "Postcode", "Country", "Currency", "Source", "Subsource",
    "PaymentMethod", "RelatedInvoice", "Reason", "DocNet", "DocTax", "DocGross", "Amount",
]

SETUP = f"""
CREATE MACRO esc(x) AS CASE WHEN left(x, 1) IN {FORMULA} THEN '''' || x ELSE x END;
CREATE MACRO is_money(x, d) AS regexp_full_match(x, '[0-9]{{1,15}}(\\.[0-9]{{1,6}})?')
    AND length(split_part(x, '.', 2)) <= d;
CREATE MACRO is_dec(x) AS regexp_full_match(x, '[0-9]{{1,15}}(\\.[0-9]{{1,6}})?');
CREATE MACRO minor(x, d) AS CAST(CAST(x AS DECIMAL(18, 3)) * CAST(10 ** d AS BIGINT) AS BIGINT);
CREATE MACRO units6(x) AS CAST(CAST(x AS DECIMAL(18, 6)) * 1000000 AS HUGEINT);
CREATE MACRO norm(x) AS rtrim(rtrim(CAST(CAST(x AS DECIMAL(18, 6)) AS VARCHAR), '0'), '.');
CREATE MACRO amount_text(x, d, neg) AS
    (CASE WHEN neg AND CAST(x AS DECIMAL(18, 3)) <> 0 THEN '-' ELSE '' END) ||
    CASE d WHEN 0 THEN CAST(CAST(x AS DECIMAL(18, 0)) AS VARCHAR)
           WHEN 3 THEN CAST(CAST(x AS DECIMAL(18, 3)) AS VARCHAR)
           ELSE CAST(CAST(x AS DECIMAL(18, 2)) AS VARCHAR) END;
CREATE MACRO real_date(x) AS regexp_full_match(x, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
    AND try_cast(x AS DATE) IS NOT NULL AND x >= '0001-01-01';
CREATE MACRO dmy(x) AS substr(x, 9, 2) || '/' || substr(x, 6, 2) || '/' || substr(x, 1, 4);
CREATE MACRO half_up(n, den) AS CASE WHEN n >= 0 THEN (2 * n + den) // (2 * den) ELSE -((-2 * n + den) // (2 * den)) END;
"""


def sql_values(rows):
    return ", ".join("(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in r) + ")" for r in rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("batch")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: DuckDB's own choice)")
    args = parser.parse_args()
    batch, folder = args.batch, args.out
    name = batch.rsplit("/", 1)[-1]
    stem = name[: name.rindex(".")] if "." in name[1:] else name
    os.makedirs(folder, exist_ok=True)
    stage = f"{folder}/.duckdb-stage-{os.getpid()}"

    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    con.execute(SETUP)
    con.execute("CREATE TABLE currency(code VARCHAR, d INTEGER); INSERT INTO currency VALUES "
                + ", ".join(f"('{c}', {d})" for c, d in DIGITS.items()))
    con.execute("CREATE TABLE tax(code VARCHAR, name VARCHAR, rate VARCHAR); INSERT INTO tax VALUES "
                + sql_values([(c, n, str(u)) for c, (n, (u, _)) in TAX.items()]))

    # The batch, every cell text (NULL when empty), in file order (rowid).
    con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?, header = true, all_varchar = true, delim = ',', "
                "quote = '\"', escape = '\"', strict_mode = true, null_padding = false)", [batch])
    present = {r[0].lower(): r[0] for r in con.execute("DESCRIBE raw").fetchall()}
    missing = [f for f in REQUIRED if f.lower() not in present]
    if missing:
        sys.exit(f"{batch}:1: error: the header lacks the required columns {', '.join(missing)}; refused")

    def col(f):
        return f'"{present[f.lower()]}"' if f.lower() in present else "NULL"

    doc_concat = "concat_ws(chr(31), " + ", ".join(f"coalesce({col(f)}, '')" for f in DOC_FIELDS) + ")"
    all_concat = "concat(" + ", ".join(f'coalesce("{c}", \'\')' for c in present.values()) + ")"
    # Rows: their line (embedded line breaks counted), their document run, every amount in minor units.
    con.execute(f"""
    CREATE TABLE meta AS
    WITH base AS (
        SELECT rowid AS rn,
               length({all_concat}) - length(replace({all_concat}, chr(10), '')) AS breaks,
               coalesce({col('DocNumber')}, '') AS num, {col('Currency')} AS cur
        FROM raw),
    runs AS (
        SELECT *, CASE WHEN num IS DISTINCT FROM lag(num) OVER (ORDER BY rn) THEN 1 ELSE 0 END AS starts,
               2 + rn + coalesce(sum(breaks) OVER (ORDER BY rn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                   AS line
        FROM base)
    SELECT rn, num, line, sum(starts) OVER (ORDER BY rn) AS run, currency.d AS d
    FROM runs LEFT JOIN currency ON currency.code = runs.cur
    ORDER BY rn
    """)
    # Each row beside its meta row, by position (both in file order): no join to hash.
    con.execute("CREATE VIEW r AS SELECT * FROM raw POSITIONAL JOIN meta")

    # Line checks, per row of an invoice or credit note.
    con.execute(f"""
    CREATE TABLE lines AS
    SELECT run, rn, line, d, {col('LineNo')} AS lineno,
        ok_line,
        CASE WHEN ok_line THEN minor({col('LineNet')}, d) END AS net,
        CASE WHEN ok_line THEN minor({col('LineTax')}, d) END AS tax,
        CASE WHEN ok_line THEN half_up(minor({col('UnitPrice')}, d) * units6({col('Quantity')})
                   * (100000000 - coalesce(units6({col('DiscountPercent')}), 0)), CAST(100000000000000 AS HUGEINT)) END
            AS expected_net,
        CASE WHEN ok_line THEN half_up(minor({col('LineNet')}, d) * units6({col('TaxRate')}), CAST(100000000 AS HUGEINT)) END
            AS expected_tax
    FROM (
        SELECT *, d IS NOT NULL
            AND regexp_full_match(coalesce({col('LineNo')}, ''), '[0-9]{{1,6}}')
            AND CAST({col('LineNo')} AS INTEGER) BETWEEN 1 AND 100000
            AND {col('Description')} IS NOT NULL AND {col('TaxCode')} IS NOT NULL
            AND is_dec(coalesce({col('Quantity')}, '')) AND units6({col('Quantity')}) > 0
            AND is_money(coalesce({col('UnitPrice')}, ''), d)
            AND ({col('DiscountPercent')} IS NULL OR (is_dec({col('DiscountPercent')})
                 AND units6({col('DiscountPercent')}) <= 100000000))
            AND is_dec(coalesce({col('TaxRate')}, '')) AND units6({col('TaxRate')}) <= 100000000
            AND is_money(coalesce({col('LineNet')}, ''), d) AND is_money(coalesce({col('LineTax')}, ''), d)
            AS ok_line
        FROM r WHERE upper({col('RecordType')}) IN ('INVOICE', 'CREDIT'))
    """)

    # Documents: one per run of rows with one number; every check that can hold one back.
    con.execute(f"""
    CREATE TABLE docs AS
    WITH d0 AS (
        SELECT run, min(rn) AS first_rn, min(line) AS first_line, count(*) AS nrows,
               count(DISTINCT {doc_concat}) AS variants,
               arg_min(num, rn) AS num, upper(arg_min({col('RecordType')}, rn)) AS kind,
               arg_min({col('OrderNumber')}, rn) AS ord, arg_min({col('DocDate')}, rn) AS doc_date,
               arg_min({col('DueDate')}, rn) AS due_date, arg_min({col('Currency')}, rn) AS cur,
               arg_min({col('CustomerCode')}, rn) AS cust_code, arg_min({col('CustomerName')}, rn) AS cust_name,
               arg_min({col('Country')}, rn) AS country, arg_min({col('RelatedInvoice')}, rn) AS related,
               arg_min({col('DocNet')}, rn) AS doc_net, arg_min({col('DocTax')}, rn) AS doc_tax,
               arg_min({col('DocGross')}, rn) AS doc_gross, arg_min({col('Amount')}, rn) AS amount,
               arg_min(d, rn) AS d
        FROM r GROUP BY run),
    counted AS (SELECT num, count(*) AS copies FROM d0 GROUP BY num),
    inv AS (SELECT num, arg_min(ord, first_rn) AS inv_ord FROM d0 WHERE kind = 'INVOICE' GROUP BY num),
    sums AS (SELECT run, count(*) AS nlines, bool_and(ok_line) AS lines_ok, sum(net) AS net_sum, sum(tax) AS tax_sum,
                    bool_or(net <> expected_net) AS net_off, bool_or(abs(tax - expected_tax) > 1) AS tax_off,
                    count(*) FILTER (abs(tax - expected_tax) = 1) AS tax_penny
             FROM lines GROUP BY run)
    SELECT d0.*, counted.copies, sums.net_sum, sums.tax_sum, coalesce(sums.tax_penny, 0) AS tax_penny,
        list_filter([
            CASE WHEN num = '' THEN 'DocNumber is empty, so this row belongs to no document' END,
            CASE WHEN kind NOT IN ('INVOICE', 'CREDIT', 'PAYMENT') AND kind NOT IN {UNSUPPORTED}
                 THEN 'RecordType is not INVOICE, CREDIT or PAYMENT' END,
            CASE WHEN copies > 1 THEN 'DocNumber ' || num || ' occurs more than once in the batch, so no copy is used' END,
            CASE WHEN length(num) > 32 OR length(coalesce(ord, '')) > 32 THEN 'a number is longer than 32 characters' END,
            CASE WHEN variants > 1 THEN 'document-level fields differ between its rows (they must agree on every row)' END,
            CASE WHEN ord IS NULL OR cust_code IS NULL OR cust_name IS NULL OR cur IS NULL OR doc_date IS NULL
                 THEN 'a required field is empty' END,
            CASE WHEN cur IS NOT NULL AND d IS NULL THEN 'Currency ''' || cur || ''' is not an ISO 4217 currency code' END,
            CASE WHEN doc_date IS NOT NULL AND NOT real_date(doc_date) THEN 'DocDate ''' || doc_date || ''' is not a real date' END,
            CASE WHEN kind = 'PAYMENT' AND (nrows > 1 OR amount IS NULL OR NOT is_money(amount, coalesce(d, 6))
                 OR minor(amount, coalesce(d, 0)) = 0) THEN 'the payment''s Amount is missing, unreadable or zero' END,
            CASE WHEN kind IN ('INVOICE', 'CREDIT') AND (
                   (kind = 'INVOICE' AND due_date IS NULL) OR (due_date IS NOT NULL AND NOT real_date(due_date)))
                 THEN 'DueDate is empty or not a real date' END,
            CASE WHEN kind = 'CREDIT' AND inv.inv_ord IS NOT NULL AND inv.inv_ord <> ord
                 THEN 'RelatedInvoice ' || related || ' belongs to order ' || inv.inv_ord || ' in this batch, not to ' || ord END,
            CASE WHEN kind IN ('INVOICE', 'CREDIT') AND amount IS NOT NULL THEN 'Amount must be empty on an invoice or a credit note' END,
            CASE WHEN kind IN ('INVOICE', 'CREDIT') AND d IS NOT NULL AND NOT coalesce(lines_ok, false) THEN 'a line cannot be read' END,
            CASE WHEN kind IN ('INVOICE', 'CREDIT') AND lines_ok AND net_off THEN 'a LineNet does not equal Quantity × UnitPrice less discount' END,
            CASE WHEN kind IN ('INVOICE', 'CREDIT') AND lines_ok AND tax_off THEN 'a LineTax does not match LineNet × TaxRate' END,
            CASE WHEN kind IN ('INVOICE', 'CREDIT') AND lines_ok AND NOT (is_money(coalesce(doc_net, ''), d)
                 AND is_money(coalesce(doc_tax, ''), d) AND is_money(coalesce(doc_gross, ''), d))
                 THEN 'a document total cannot be read' END,
            CASE WHEN kind IN ('INVOICE', 'CREDIT') AND lines_ok AND is_money(coalesce(doc_net, ''), d)
                 AND is_money(coalesce(doc_tax, ''), d) AND is_money(coalesce(doc_gross, ''), d) AND (
                   minor(doc_net, d) + minor(doc_tax, d) <> minor(doc_gross, d)
                   OR minor(doc_net, d) <> net_sum OR minor(doc_tax, d) <> tax_sum)
                 THEN 'the document totals do not tie to the lines (DocGross = DocNet + DocTax, each the sum of its lines)' END
        ], lambda x: x IS NOT NULL) AS errors
    FROM d0 JOIN counted USING (num) LEFT JOIN inv ON inv.num = d0.related AND d0.kind = 'CREDIT'
    LEFT JOIN sums USING (run)
    """)

    # Mapping: text made safe, tax codes to Xero's names. Control characters or an unknown tax code hold back.
    text_fields = [("CustomerName", "CustomerName"), ("Email", "Email"), ("Address1", "Address1"),
                   ("Address2", "Address2"), ("Town", "Town"), ("County", "County"), ("Postcode", "Postcode")]
    con.execute(f"""
    CREATE TABLE mapped AS
    SELECT r.rn, r.run, r.line, docs.kind, docs.num, docs.first_rn, docs.first_line,
           r.rn = docs.first_rn AS is_first, tax.name AS tax_name, tax.rate AS tax_rate,
           list_filter([{", ".join(f"CASE WHEN left({col(f)}, 1) IN {FORMULA} THEN {i} END" for i, (f, _) in enumerate(text_fields))}],
                       lambda x: x IS NOT NULL) AS contact_formula,
           left({col('Description')}, 1) IN {FORMULA} AS description_formula,
           regexp_matches(concat({", ".join(f"coalesce({col(f)}, '')" for f, _ in text_fields)},
                                 coalesce({col('Description')}, '')), '{CONTROL}') AS control
    FROM r JOIN docs USING (run) LEFT JOIN tax ON tax.code = r.{col('TaxCode')}
    WHERE len(docs.errors) = 0
    """)
    con.execute("""
    CREATE TABLE held AS
    SELECT run FROM mapped GROUP BY run
    HAVING bool_or(control) OR bool_or(kind IN ('INVOICE', 'CREDIT') AND tax_name IS NULL)
    """)

    # The import rows, each document numbered within its family: 500 to a file.
    con.execute(f"""
    CREATE VIEW out AS
    WITH good AS (
        SELECT docs.run, docs.first_rn, docs.kind,
               CASE docs.kind WHEN 'INVOICE' THEN 'xero-invoices' ELSE 'xero-credit-notes' END AS family,
               dense_rank() OVER (PARTITION BY docs.kind ORDER BY docs.first_rn) AS ordinal
        FROM docs WHERE len(docs.errors) = 0 AND docs.kind IN ('INVOICE', 'CREDIT')
          AND docs.run NOT IN (SELECT run FROM held))
    SELECT good.family, (good.ordinal - 1) // {PER_FILE} + 1 AS part, r.rn,
        esc({col('CustomerName')}) AS "{XERO_HEADER[0]}", esc({col('Email')}) AS "{XERO_HEADER[1]}",
        esc({col('Address1')}) AS "{XERO_HEADER[2]}", esc({col('Address2')}) AS "{XERO_HEADER[3]}",
        NULL AS "{XERO_HEADER[4]}", NULL AS "{XERO_HEADER[5]}",
        esc({col('Town')}) AS "{XERO_HEADER[6]}", esc({col('County')}) AS "{XERO_HEADER[7]}",
        esc({col('Postcode')}) AS "{XERO_HEADER[8]}", {col('Country')} AS "{XERO_HEADER[9]}",
        {col('DocNumber')} AS "{XERO_HEADER[10]}", {col('OrderNumber')} AS "{XERO_HEADER[11]}",
        dmy({col('DocDate')}) AS "{XERO_HEADER[12]}", dmy(coalesce({col('DueDate')}, {col('DocDate')})) AS "{XERO_HEADER[13]}",
        NULL AS "{XERO_HEADER[14]}", NULL AS "{XERO_HEADER[15]}",
        esc({col('Description')}) AS "{XERO_HEADER[16]}", norm({col('Quantity')}) AS "{XERO_HEADER[17]}",
        amount_text({col('UnitPrice')}, r.d, good.kind = 'CREDIT') AS "{XERO_HEADER[18]}",
        norm({col('DiscountPercent')}) AS "{XERO_HEADER[19]}", '200' AS "{XERO_HEADER[20]}",
        tax.name AS "{XERO_HEADER[21]}", NULL AS "{XERO_HEADER[22]}",
        NULL AS "{XERO_HEADER[23]}", NULL AS "{XERO_HEADER[24]}", NULL AS "{XERO_HEADER[25]}", NULL AS "{XERO_HEADER[26]}",
        {col('Currency')} AS "{XERO_HEADER[27]}", NULL AS "{XERO_HEADER[28]}"
    FROM good JOIN r USING (run) JOIN tax ON tax.code = r.{col('TaxCode')}
    """)

    # The problems file: per document in file order, what held it back, then the mapping's warnings, then payments.
    field_names = ", ".join(f"'{label}'" for _, label in text_fields)
    con.execute(f"""
    CREATE TABLE problems AS
    WITH reading AS (
        SELECT first_rn AS k, 0 AS phase, first_line AS line, 0 AS sub, 'error' AS severity, num, '' AS field,
               unnest(errors) || ' — document ' || num || ' held back' AS message
        FROM docs WHERE len(errors) > 0 AND kind NOT IN {UNSUPPORTED}
        UNION ALL
        SELECT first_rn, 0, first_line, 0, 'warning', num, 'RecordType',
               'RecordType ' || kind || ' is not read by kccbridge; ' || num || ' is skipped'
        FROM docs WHERE kind IN {UNSUPPORTED}
        UNION ALL
        SELECT first_rn, 0, first_line, 1, 'warning', num, 'Country',
               'Country ''' || country || ''' is not an ISO 3166 two-letter country code (document ' || num || ')'
        FROM docs WHERE country IS NOT NULL AND NOT regexp_full_match(country, '[A-Z]{{2}}')
        UNION ALL
        SELECT first_rn, 0, first_line, 2, 'warning', num, 'DueDate',
               'DueDate ' || due_date || ' is before DocDate ' || doc_date || ' (document ' || num || ')'
        FROM docs WHERE len(errors) = 0 AND due_date IS NOT NULL AND due_date < doc_date
        UNION ALL
        SELECT docs.first_rn, 0, lines.line, 3, 'warning', docs.num, 'LineTax',
               'line ' || lines.lineno || ': LineTax differs by one minor unit from LineNet × TaxRate; kept as KCC computed it (document ' || docs.num || ')'
        FROM lines JOIN docs USING (run) WHERE docs.tax_penny > 0 AND abs(lines.tax - lines.expected_tax) = 1),
    contact AS (
        SELECT first_rn AS k, 1 AS phase, first_line AS line, unnest(contact_formula) AS sub, num
        FROM mapped WHERE is_first AND len(contact_formula) > 0),
    mapping AS (
        SELECT k, phase, line, sub, 'warning' AS severity, num, [{field_names}][sub + 1] AS field,
               [{field_names}][sub + 1] || ' ''' || value || ''' starts like a spreadsheet formula; written as '''''
                 || value || ''' (text_cells: escape) (document ' || num || ')' AS message
        FROM (SELECT contact.*, [{", ".join(col(f) for f, _ in text_fields)}][contact.sub + 1] AS value
              FROM contact JOIN r ON r.rn = contact.k)
        UNION ALL
        SELECT m.first_rn, 1, m.first_line, 100 + m.rn - m.first_rn, 'warning', m.num, 'Description',
               'line ' || r.{col('LineNo')} || ': Description ''' || r.{col('Description')} ||
               ''' starts like a spreadsheet formula; written as ''''' || r.{col('Description')} ||
               ''' (text_cells: escape) (document ' || m.num || ')'
        FROM mapped m JOIN r USING (rn) WHERE m.description_formula AND m.kind IN ('INVOICE', 'CREDIT')
        UNION ALL
        SELECT first_rn, 1, first_line, 1000, 'error', num, '',
               'a text field holds a control character, or a line''s TaxCode has no entry under tax_codes — document '
               || num || ' held back'
        FROM docs WHERE run IN (SELECT run FROM held)
        UNION ALL
        SELECT first_rn, 2, first_line, 0, 'warning', num, '', num || ' is not carried by xero-csv: {NOT_CARRIED.replace("'", "''")}'
        FROM docs WHERE kind = 'PAYMENT' AND len(errors) = 0 AND run NOT IN (SELECT run FROM held))
    SELECT * FROM reading UNION ALL SELECT * FROM mapping
    """)

    counts = con.execute(f"""
        SELECT count(DISTINCT num) FILTER (kind IN ('INVOICE', 'CREDIT', 'PAYMENT')),
               count(DISTINCT num) FILTER ((len(errors) > 0 OR run IN (SELECT run FROM held)) AND kind NOT IN {UNSUPPORTED}),
               count(*) FILTER (kind = 'PAYMENT' AND len(errors) = 0 AND run NOT IN (SELECT run FROM held))
        FROM docs""").fetchone()

    parts = con.execute(f"""
        WITH good AS (
            SELECT CASE kind WHEN 'INVOICE' THEN 'xero-invoices' ELSE 'xero-credit-notes' END AS family, count(*) AS n
            FROM docs WHERE len(errors) = 0 AND kind IN ('INVOICE', 'CREDIT') AND run NOT IN (SELECT run FROM held)
            GROUP BY family)
        SELECT family, unnest(range(1, (n - 1) // {PER_FILE} + 2)) AS part FROM good ORDER BY family DESC, part
        """).fetchall()
    targets = []
    for family, part in parts:
        path = f"{folder}/{stem}.{family}{'' if part == 1 else f'.part{part}'}.csv"
        if os.path.exists(path):
            sys.exit(f"error: {path} exists already; nothing is overwritten")
        targets.append((f"{stage}/family={family}/part={part}/data_0.csv", path))
    # One thread for the partitioned write, so every file keeps its rows in document order.
    con.execute("SET threads = 1")
    con.execute(f"""
    COPY (SELECT * EXCLUDE (rn) FROM out ORDER BY family, part, rn) TO '{stage}'
    (FORMAT csv, HEADER, NEW_LINE '\r\n', PARTITION_BY (family, part))
    """)
    problems_path = f"{folder}/{stem}.xero-csv.problems.csv"
    held, not_carried = counts[1], counts[2]
    if held or not_carried:
        if os.path.exists(problems_path):
            sys.exit(f"error: {problems_path} exists already; nothing is overwritten")
        con.execute(f"""
        COPY (SELECT ? AS "File", line AS "Line", severity AS "Severity", num AS "Document", nullif(field, '') AS "Field",
                     message AS "Message"
              FROM problems ORDER BY k, phase, line, sub) TO '{stage}/problems.csv' (FORMAT csv, HEADER, NEW_LINE '\r\n')
        """, [batch])
        with open(f"{stage}/problems.csv", "rb") as src, open(f"{stage}/problems.bom.csv", "xb") as dst:
            dst.write(b"\xef\xbb\xbf")
            shutil.copyfileobj(src, dst, 1 << 20)
        targets.append((f"{stage}/problems.bom.csv", problems_path))
    con.close()

    # Flushed, then linked into place under kccbridge's names, then the folder flushed.
    for temp, _ in targets:
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
    for temp, path in targets:
        os.link(temp, path)
    shutil.rmtree(stage)
    fd = os.open(folder, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    docs, files = counts[0], len(parts)
    written = docs - held - not_carried
    print(f"{name} → xero-csv: {docs} documents read, {written} written to {files} files,"
          f" {not_carried} not carried by xero-csv, {held} held back")


if __name__ == "__main__":
    main()
