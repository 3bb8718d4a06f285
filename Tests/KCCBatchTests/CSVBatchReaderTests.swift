import CSVStreaming
import Foundation
import KCCBatch
import KCCModel
import Testing

@Suite("KCC CSV batch: every check of the contract")
struct CSVBatchReaderTests {
    @Test("a good batch reads completely, with every kind of document")
    func goodBatch() throws {
        let result = try read(csv: BatchFixture.good.csv)
        #expect(result.findings.isEmpty)
        #expect(result.numbers == ["INV-1", "PAY-1", "CRN-1", "CRN-2"])
        guard case .sales(let invoice) = result.documents[0] else {
            Issue.record("first document is not an invoice")
            return
        }
        #expect(invoice.lines.count == 2)
        #expect(invoice.totals.gross.amountText == "130.99")
        #expect(invoice.lines[0].description == "Tent, two-person")
        #expect(invoice.channel == SalesChannel(source: "AMAZON", subsource: "Amazon UK"))
        guard case .sales(let cancelled) = result.documents[3] else { return }
        #expect(cancelled.kind == .credit && cancelled.relatedInvoice == nil && cancelled.reason == "Cancelled")
        guard case .payment(let payment) = result.documents[1] else { return }
        #expect(payment.amount.amountText == "130.99" && payment.relatedInvoice == "INV-1")
    }

    @Test("DocGross that is not DocNet + DocTax holds back that document only, with the exact message")
    func grossDoesNotTie() throws {
        let result = try read(
            csv: BatchFixture.good.setting("DocGross", "131.00", document: "INV-1").csv, name: "orders.csv")
        #expect(result.numbers == ["PAY-1", "CRN-1", "CRN-2"])
        #expect(
            result.errors.map(\.description) == [
                "orders.csv:2: error: DocGross 131.00 does not equal DocNet 110.99 + DocTax 20.00 (off by 0.01) — document INV-1 held back"
            ])
        #expect(result.errors.first?.field == "DocGross")
        #expect(result.summary.heldBack == ["INV-1"])
    }

    @Test("DocNet and DocTax must equal the sums over the lines")
    func sumsDoNotTie() throws {
        let result = try read(
            csv: BatchFixture.good.setting("DocNet", "110.98", document: "INV-1").setting(
                "DocGross", "130.98", document: "INV-1"
            ).csv)
        #expect(result.errors.count == 1)
        #expect(
            result.errors[0].message.contains(
                "DocNet 110.98 does not equal the sum of LineNet over 2 lines, 110.99 (off by 0.01)"))
        let tax = try read(
            csv: BatchFixture.good.setting("DocTax", "20.01", document: "INV-1").setting(
                "DocGross", "131.00", document: "INV-1"
            ).csv)
        #expect(tax.errors.map(\.field) == ["DocTax"])
    }

    @Test("LineNet must be quantity × price less discount, rounded half-up")
    func lineNet() throws {
        let result = try read(
            csv: BatchFixture.good.setting("LineNet", "57.74", document: "CRN-2").setting(
                "DocNet", "57.74", document: "CRN-2"
            ).setting("DocGross", "69.29", document: "CRN-2").setting("LineTax", "11.55", document: "CRN-2").csv)
        #expect(
            result.errors.map(\.message) == [
                "line 1: LineNet 57.74 does not equal Quantity 2 × UnitPrice 32.99 less DiscountPercent 12.5% = 57.73 (off by 0.01) — document CRN-2 held back"
            ])
    }

    @Test("LineTax is never recomputed: one minor unit off is a warning, more is an error")
    func lineTax() throws {
        let warned = try read(
            csv: BatchFixture.good.setting("LineTax", "11.54", document: "CRN-2").setting(
                "DocTax", "11.54", document: "CRN-2"
            ).setting("DocGross", "69.27", document: "CRN-2").csv)
        #expect(warned.errors.isEmpty)
        #expect(warned.warnings.count == 1 && warned.warnings[0].field == "LineTax")
        guard case .sales(let kept) = warned.documents.last else { return }
        #expect(kept.lines[0].tax.amountText == "11.54")
        let refused = try read(
            csv: BatchFixture.good.setting("LineTax", "11.00", document: "CRN-2").setting(
                "DocTax", "11.00", document: "CRN-2"
            ).setting("DocGross", "68.73", document: "CRN-2").csv)
        #expect(refused.errors.map(\.field) == ["LineTax"])
    }

    @Test("an unknown currency names the offending value", arguments: ["GPB", "gbp", "EURO", "XXX"])
    func unknownCurrency(code: String) throws {
        let result = try read(csv: BatchFixture.good.setting("Currency", code, document: "CRN-2").csv)
        #expect(result.errors.count == 1)
        #expect(
            result.errors[0].message == "Currency '\(code)' is not an ISO 4217 currency code — document CRN-2 held back"
        )
    }

    @Test(
        "amounts must be plain decimals that fit the currency's minor unit",
        arguments: [
            ("12,50", "is not a plain decimal"), ("1e3", "is not a plain decimal"),
            ("12.5abc", "is not a plain decimal"),
            ("10.999", "has more than 2 decimal places for GBP"), ("-10.99", "is negative"), ("", "is empty"),
        ])
    func badAmounts(text: String, expected: String) throws {
        let result = try read(csv: BatchFixture.good.setting("UnitPrice", text, document: "CRN-1").csv)
        #expect(result.summary.heldBack == ["CRN-1"])
        #expect(result.errors.contains { $0.message.contains(expected) && $0.field == "UnitPrice" })
    }

    @Test("amounts fit currencies without minor units (JPY) and with three (BHD)")
    func otherCurrencies() throws {
        let yen = BatchFixture(rows: [
            BatchFixture.invoiceRow(
                line: 1, sku: "X", description: "X", quantity: "3", price: "333", rate: "10",
                net: "999", tax: "100", docNet: "999", docTax: "100", docGross: "1099", currency: "JPY")
        ])
        #expect(try read(csv: yen.csv).findings.isEmpty)
        let badYen = yen.setting("UnitPrice", "333.00")
        #expect(try read(csv: badYen.csv).errors.first?.message.contains("this currency has no minor unit") == true)
        let dinar = BatchFixture(rows: [
            BatchFixture.invoiceRow(
                line: 1, sku: "X", description: "X", quantity: "1", price: "1.125", rate: "10",
                net: "1.125", tax: "0.113", docNet: "1.125", docTax: "0.113", docGross: "1.238", currency: "BHD")
        ])
        #expect(try read(csv: dinar.csv).findings.isEmpty)
    }

    @Test("a document number seen again after another document started holds back every copy")
    func duplicates() throws {
        var fixture = BatchFixture.good
        fixture.rows.append(fixture.rows[3])  // CRN-1 again, after CRN-2
        let result = try read(csv: fixture.csv)
        #expect(!result.numbers.contains("CRN-1"))
        let messages = result.errors.map(\.description)
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.contains("DocNumber CRN-1 occurs more than once in the batch") })
        #expect(messages[0].contains("also at line 7") && messages[1].contains("also at line 5"))
    }

    @Test("document-level fields must agree on every row of a document")
    func rowsDisagree() throws {
        let result = try read(csv: BatchFixture.good.setting("CustomerName", "Jane Smyth", row: 1).csv, name: "b.csv")
        #expect(
            result.errors.map(\.description) == [
                "b.csv:3: error: CustomerName 'Jane Smyth' on this row differs from 'Jane Smith' on line 2 (document-level fields must agree on every row) — document INV-1 held back"
            ])
    }

    @Test("a credit note's RelatedInvoice in this batch must belong to the same order")
    func relatedInvoiceOrder() throws {
        let result = try read(csv: BatchFixture.good.setting("OrderNumber", "SO-9", document: "CRN-1").csv)
        #expect(
            result.errors.map(\.message) == [
                "RelatedInvoice INV-1 belongs to order SO-1 in this batch, not to SO-9 — document CRN-1 held back"
            ])
        // An invoice from an earlier batch is fine: nothing to compare with.
        #expect(
            try read(csv: BatchFixture.good.setting("RelatedInvoice", "INV-0", document: "CRN-1").csv).findings.isEmpty)
    }

    @Test("dates are ISO unless DD/MM/YYYY is asked for; impossible dates are refused")
    func dates() throws {
        let impossible = try read(csv: BatchFixture.good.setting("DocDate", "2026-02-30", document: "CRN-1").csv)
        #expect(
            impossible.errors.map(\.message) == [
                "DocDate '2026-02-30' is not a real date (no such day) — document CRN-1 held back"
            ])
        let uk = BatchFixture.good.setting("DocDate", "02/11/2026").setting("DueDate", "02/12/2026", document: "INV-1")
        #expect(try read(csv: uk.csv).errors.count == 5)
        let ukRead = try read(csv: uk.csv, options: BatchReadOptions(dateFormat: .dayMonthYear))
        #expect(ukRead.findings.isEmpty)
        #expect(ukRead.documents[0].date == CalendarDate(year: 2026, month: 11, day: 2))
    }

    @Test("required document fields are named when empty")
    func requiredFields() throws {
        let result = try read(
            csv: BatchFixture.good.setting("DueDate", "", document: "INV-1").setting(
                "OrderNumber", "", document: "PAY-1"
            ).csv)
        #expect(
            result.errors.map(\.message).sorted() == [
                "DueDate is empty — document INV-1 held back",
                "OrderNumber is empty — document PAY-1 held back",
            ])
    }

    @Test("purchase invoices and suppliers are reported and skipped, not errors")
    func unsupportedRecordType() throws {
        var fixture = BatchFixture.good
        fixture.rows.insert(["RecordType": "PURCHASE", "DocNumber": "PI-7", "OrderNumber": "PO-7"], at: 2)
        let result = try read(csv: fixture.csv)
        #expect(result.errors.isEmpty)
        #expect(
            result.warnings.count == 1 && result.warnings[0].message.contains("PURCHASE is not read by kccbridge"))
        #expect(result.numbers == ["INV-1", "PAY-1", "CRN-1", "CRN-2"])
    }

    @Test("an unknown record type holds its document back")
    func unknownRecordType() throws {
        let result = try read(csv: BatchFixture.good.setting("RecordType", "INVIOCE", document: "INV-1").csv)
        #expect(
            result.errors.map(\.message) == [
                "RecordType 'INVIOCE' is not INVOICE, CREDIT or PAYMENT — document INV-1 held back"
            ])
        #expect(result.numbers == ["PAY-1", "CRN-1", "CRN-2"])
    }

    @Test("a payment has one row and no line or total fields")
    func paymentShape() throws {
        let result = try read(csv: BatchFixture.good.setting("LineNet", "1.00", document: "PAY-1").csv)
        #expect(
            result.errors.map(\.message) == [
                "LineNet must be empty on a payment (payments have no lines) — document PAY-1 held back"
            ])
        let zero = try read(csv: BatchFixture.good.setting("Amount", "0.00", document: "PAY-1").csv)
        #expect(zero.errors.first?.message.contains("Amount is zero") == true)
    }

    @Test("columns are found by name, in any order and any case; unknown columns are warnings")
    func headerMatching() throws {
        var fixture = BatchFixture.good
        fixture.header = fixture.header.reversed().map { $0 == "DocGross" ? "docgross" : $0 } + ["Colour"]
        fixture = BatchFixture(
            rows: fixture.rows.map { row in
                var row = row
                row["docgross"] = row["DocGross"]
                return row
            }, header: fixture.header)
        let result = try read(csv: fixture.csv)
        #expect(result.errors.isEmpty)
        #expect(
            result.warnings.map(\.message) == ["column 'Colour' is not part of the KCC batch format; it is ignored"])
        #expect(result.numbers.count == 4)
        // The message spells the column as the header does.
        let broken = BatchFixture(
            rows: fixture.setting("docgross", "1.00", document: "INV-1").rows, header: fixture.header)
        #expect(try read(csv: broken.csv).errors.first?.message.hasPrefix("docgross 1.00 does not equal") == true)
    }

    @Test("a missing required column refuses the file with one error naming it")
    func missingColumn() throws {
        var fixture = BatchFixture.good
        fixture.header.removeAll { $0 == "DocGross" }
        let result = try read(csv: fixture.csv, name: "b.csv")
        #expect(result.summary.refused && result.documents.isEmpty)
        #expect(
            result.findings.map(\.description) == [
                "b.csv:1: error: the header has no DocGross column, which is required; the whole file is refused"
            ])
    }

    @Test("a column named twice refuses the file")
    func duplicateHeader() throws {
        var fixture = BatchFixture.good
        fixture.header.append("currency")
        let result = try read(csv: fixture.csv)
        #expect(result.summary.refused)
        #expect(result.findings.first?.message.contains("names column Currency twice") == true)
    }

    @Test("an unterminated quote refuses the whole file: no partial batch")
    func unterminatedQuote() throws {
        let text = BatchFixture.good.csv + "CREDIT,CRN-3,SO-3,\"2026-11-04,unterminated\r\n"
        let result = try read(csv: text, name: "b.csv")
        #expect(result.documents.isEmpty && result.summary.refused)
        #expect(
            result.findings.map(\.description) == [
                "b.csv:7: error: a quoted field opened on line 7 is never closed; the whole file is refused (is a closing \" missing?)"
            ])
    }

    @Test("a row with the wrong number of fields holds its document back")
    func raggedRow() throws {
        var text = BatchFixture.good.csv
        text = text.replacingOccurrences(of: "CRN-2,SO-2", with: "CRN-2,extra,SO-2")
        let result = try read(csv: text)
        #expect(result.summary.heldBack == ["CRN-2"])
        #expect(result.errors.contains { $0.message.hasPrefix("this row has 35 fields but the header has 34") })
    }

    @Test("invalid UTF-8 holds back that document; Windows-1252 reads it when asked")
    func encodings() throws {
        var bytes = Array(BatchFixture.good.csv.utf8)
        let target = Array("Bob Jones".utf8)
        let at = try #require(bytes.firstRange(of: target))
        bytes.replaceSubrange(at, with: Array("Bob Jos".utf8) + [0xE9])
        let result = try read(bytes: bytes)
        #expect(result.summary.heldBack == ["CRN-2"])
        #expect(result.errors.first?.message.contains("CustomerName: the text is not valid UTF-8") == true)
        // The rest of this file is ASCII, so it reads the same in Windows-1252.
        let cp1252 = try read(bytes: bytes, options: BatchReadOptions(encoding: .windows1252))
        #expect(cp1252.findings.isEmpty)
        #expect(cp1252.documents.last?.customer.name == "Bob José")
    }

    @Test("empty and header-only files")
    func emptyFiles() throws {
        let empty = try read(csv: "")
        #expect(empty.summary.refused && empty.findings.first?.message.contains("the file is empty") == true)
        let headerOnly = try read(csv: BatchFixture.columns.joined(separator: ",") + "\r\n")
        #expect(!headerOnly.summary.refused && headerOnly.documents.isEmpty && headerOnly.warnings.count == 1)
    }

    @Test("a pipe (a batch fed through /dev/stdin) is refused before it is read, saying to save it to a file")
    func pipeRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString).csv").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        // Opening a pipe with no writer would wait for ever: refused from its status alone, it is never opened.
        let summary = BatchFile.check(path) { _ in }
        #expect(summary.refused)
        do {
            _ = try BatchFile.open(path)
            Issue.record("a pipe was opened as a batch")
        } catch {
            #expect(error.message.hasPrefix("this is not a file on disk but a pipe"), "\(error.message)")
        }
    }

    @Test("two identical lines in one document stay two lines")
    func identicalLines() throws {
        let row = BatchFixture.invoiceRow(
            line: 1, sku: "SOCK", description: "Socks", quantity: "1", price: "16.50", rate: "20",
            net: "16.50", tax: "3.30", docNet: "33.00", docTax: "6.60", docGross: "39.60")
        let result = try read(csv: BatchFixture(rows: [row, row]).csv)
        guard case .sales(let invoice) = result.documents.first else {
            Issue.record("not read: \(result.findings)")
            return
        }
        #expect(invoice.lines.count == 2 && invoice.lines[0] == invoice.lines[1])
    }

    @Test("Amount belongs to payments only")
    func amountOnInvoice() throws {
        let result = try read(csv: BatchFixture.good.setting("Amount", "130.99", document: "INV-1").csv)
        #expect(result.summary.heldBack == ["INV-1"])
        #expect(result.errors.first?.message.hasPrefix("Amount must be empty on an invoice") == true)
    }

    @Test("a broken row is reported once, not once per column that then seems to differ")
    func noCascade() throws {
        let text = BatchFixture.good.csv.replacingOccurrences(of: "2,MAP,Map", with: "2,MAP,M\"ap")
        let result = try read(csv: text)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("Description: a quote character stands inside a field") == true)
    }

    @Test("codes, text and line numbers have the same caps as the XML schema")
    func caps() throws {
        let longCode = try read(
            csv: BatchFixture.good.setting("TaxCode", String(repeating: "T", count: 33), document: "CRN-1").csv)
        #expect(longCode.errors.first?.message == "TaxCode is longer than 32 characters — document CRN-1 held back")
        let line = try read(csv: BatchFixture.good.setting("LineNo", "100001", document: "CRN-1").csv)
        #expect(line.errors.first?.message.contains("is not a whole number from 1 to 100000") == true)
    }

    @Test("gigantic fields refuse the file instead of eating memory")
    func gigantic() throws {
        let text = BatchFixture.good.setting("Description", String(repeating: "x", count: 100_000), document: "CRN-1")
            .csv
        let result = try read(csv: text)
        #expect(result.summary.refused)
        #expect(result.findings.first?.message.contains("longer than 65536 bytes") == true)
    }
}
