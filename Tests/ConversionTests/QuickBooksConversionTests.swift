import CSVStreaming
import Configuration
import Conversion
import DurableOutput
import Foundation
import KCCBatch
import KCCModel
import KCCTestSupport
import Mapping
import PackageInterface
import PackageRegistry
import QuickBooksCommon
import QuickBooksDesktop
import QuickBooksOnline
import Testing
import XMLStreaming
import Xero

/// A small batch written for one test: the sample's header and the rows given.
enum QuickBooksBatch {
    static func write(_ rows: [String]) -> String {
        let header = TestFiles.read(Harness.root + "/samples/batch-2026-11.csv")!.split(whereSeparator: \.isNewline)[0]
        let path = TestFiles.temporaryPath(".csv")
        TestFiles.write(path, ([String(header)] + rows).joined(separator: "\n") + "\n")
        return path
    }

    /// One invoice line, in `currency`, with `description` and `number` as given.
    static func invoice(
        number: String = "INV-300001", currency: String = "GBP", description: String = "Tent",
        price: String = "10.00", tax: String = "2.00", gross: String = "12.00"
    ) -> String {
        "INVOICE,\(number),SO-70001,2026-11-02,2026-11-02,C-1,Ann Lee,,1 Road,,Town,,AB1 2CD,GB,\(currency),DIRECT,Telephone,Card,,,1,SKU,\(description),1,\(price),,T1,20,\(price),\(tax),\(price),\(tax),\(gross),"
    }
}

@Suite("QuickBooks output against golden files")
struct QuickBooksGoldenTests {
    static func configuration(_ config: String?, refundReceipts: Bool) throws -> BridgeConfiguration {
        var configuration = try Harness.configuration(config)
        if refundReceipts { configuration.quickbooks.onlineRefunds = .refundReceipt }
        return configuration
    }

    @Test(
        "the samples convert to the golden files, for each target, with the defaults, the sample configuration and refund receipts",
        arguments: [
            ("qbd-iif", nil as String?, false, "qbd-iif-default"),
            ("qbd-iif", "samples/kccbridge.yaml", false, "qbd-iif-mapped"),
            ("qbd-qbxml", nil, false, "qbd-qbxml-default"),
            ("qbd-qbxml", "samples/kccbridge.yaml", false, "qbd-qbxml-mapped"),
            ("qbo-csv", nil, false, "qbo-csv-default"),
            ("qbo-csv", "samples/kccbridge.yaml", false, "qbo-csv-mapped"),
            ("qbo-xml", nil, false, "qbo-xml-default"),
            ("qbo-xml", "samples/kccbridge.yaml", false, "qbo-xml-mapped"),
            ("qbo-xml", "samples/kccbridge.yaml", true, "qbo-xml-refund-receipts"),
        ])
    func golden(target: String, config: String?, refundReceipts: Bool, name: String) throws {
        Harness.expectGolden(
            target, configuration: try Self.configuration(config, refundReceipts: refundReceipts), name: name)
    }

    /// The sum of each transaction's AMOUNT column in an IIF file, in minor units, checking the file's shape on the way.
    static func iifTransactionSums(_ path: String) throws -> [Int64] {
        let text = try #require(TestFiles.read(path))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "\(path): a bare line feed")
        let rows = text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let amount = try #require(rows.first?.firstIndex(of: "AMOUNT"))
        #expect(rows[1].firstIndex(of: "AMOUNT") == amount, "TRNS and SPL keep AMOUNT in one column")
        // Every row has as many fields as the header row of its kind (!TRNS, !SPL, !ENDTRNS).
        let widths = ["TRNS": rows[0].count, "SPL": rows[1].count, "ENDTRNS": rows[2].count]
        for row in rows {
            #expect(row.count == widths[row[0].hasPrefix("!") ? String(row[0].dropFirst()) : row[0]], "\(path): \(row)")
        }
        var sums: [Int64] = []
        var sum: Int64?
        for row in rows.dropFirst(3) {
            switch row[0] {
            case "TRNS":
                #expect(sum == nil, "\(path): TRNS inside a transaction")
                sum = try Money(parsing: row[amount], currency: .gbp, allowNegative: true).minorUnits
            case "SPL":
                sum! += try Money(parsing: row[amount], currency: .gbp, allowNegative: true).minorUnits
            case "ENDTRNS":
                sums.append(try #require(sum))
                sum = nil
            default:
                Issue.record("\(path): unexpected row \(row[0])")
            }
        }
        #expect(sum == nil, "\(path): ends inside a transaction")
        return sums
    }

    @Test("every transaction of every golden IIF file sums to exactly zero")
    func iifBalances() throws {
        var transactions = 0
        for folder in TestFiles.names(in: Harness.golden) where folder.hasPrefix("qbd-iif") {
            for name in TestFiles.names(in: Harness.golden + "/" + folder) where name.hasSuffix(".iif") {
                let sums = try Self.iifTransactionSums(Harness.golden + "/" + folder + "/" + name)
                #expect(sums.allSatisfy { $0 == 0 }, "\(folder)/\(name): \(sums)")
                transactions += sums.count
            }
        }
        #expect(transactions == 28)
    }

    @Test(
        "a generated batch full of commas, quotes, line breaks and formula-like text: IIF balances and keeps its shape, the XML validates"
    )
    func nasty() throws {
        let batch = TestFiles.temporaryPath(".csv")
        let file = try DurableFile(path: batch)
        try BatchGenerator(options: .init(orders: 150, seed: 7, nasty: true)).generate(
            into: BatchFile.writer(.csv, to: file))
        try file.commit()
        defer { TestFiles.remove(batch) }
        for target in ["qbd-iif", "qbd-qbxml", "qbo-csv", "qbo-xml"] {
            let run = Harness.convert(batch, to: target)
            #expect(run.report.failure == nil && run.report.allHeldBack.isEmpty, "\(target)")
            for name in TestFiles.names(in: run.folder) where !name.contains("problems") {
                let path = run.folder + "/" + name
                if name.hasSuffix(".iif") {
                    let sums = try Self.iifTransactionSums(path)
                    #expect(sums.count == run.report.written && sums.allSatisfy { $0 == 0 })
                }
                let schema =
                    name.hasSuffix(".qbxml") ? IntuitSchemas.qbxml : name.hasSuffix(".xml") ? IntuitSchemas.qbo : nil
                if let schema { #expect(schema.validate(path: path) == [], "\(name)") }
            }
        }
    }

    @Test(
        "a discounted line whose rate is not exact in five decimals is written as 1 at KCC's net, with the figures in the description"
    )
    func inexactRate() throws {
        let batch = QuickBooksBatch.write([
            "INVOICE,INV-300005,SO-70005,2026-11-02,2026-11-02,C-1,Ann Lee,,1 Road,,Town,,AB1 2CD,GB,GBP,DIRECT,Telephone,Card,,,1,SKU,Pegs,7,1.11,10,T1,20,6.99,1.40,6.99,1.40,8.39,"
        ])
        defer { TestFiles.remove(batch) }
        let csv = Harness.convert(batch, to: "qbo-csv")
        let text = try #require(TestFiles.read(csv.folder + "/" + TestFiles.names(in: csv.folder)[0]))
        #expect(text.contains(",KCC Sales,Pegs (7 × 1.11 less 10%),1,6.99,6.99,20.0% S,1.40,GBP,"))
        let iif = Harness.convert(batch, to: "qbd-iif")
        let sums = try Self.iifTransactionSums(iif.folder + "/" + TestFiles.names(in: iif.folder)[0])
        #expect(sums == [0])
    }

    @Test("IIF: header rows name the columns, DOCNUM is shortened by strip_prefixes and MEMO keeps the full number")
    func iifNumbers() throws {
        let run = Harness.convert(
            "samples/batch-2026-11.csv", to: "qbd-iif",
            configuration: try Harness.configuration("samples/kccbridge.yaml"))
        let text = try #require(TestFiles.read(run.folder + "/batch-2026-11.qbd-transactions.iif"))
        #expect(text.hasPrefix("!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\t"))
        #expect(
            text.contains(
                "\r\n!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR\tQNTY\tPRICE\tINVITEM\tTAXABLE\r\n!ENDTRNS\r\n"
            ))
        #expect(
            text.contains(
                "TRNS\t\tCREDIT MEMO\t07/11/2026\tAccounts Receivable\tAmazon UK Customers\tAmazon UK\t-59.99\t004608\tKCC CRN-004608, order SO-51874, cancelled before invoicing (no invoice)\t"
            ))
        #expect(text.contains("TRNS\t\tPAYMENT\t09/11/2026\t090\tPeak District Scout Group\t\t986.03\t88840\t"))
    }
}

@Suite("What QuickBooks cannot take is held back or made safe")
struct QuickBooksRefusalTests {
    @Test(
        "a number longer than Desktop's 11 characters after strip_prefixes is held back; QuickBooks Online keeps it whole",
        arguments: ["qbd-iif", "qbd-qbxml", "qbo-csv", "qbo-xml"])
    func longNumber(target: String) throws {
        let batch = QuickBooksBatch.write([
            QuickBooksBatch.invoice(number: "INVOICE-2026-300001"), QuickBooksBatch.invoice(number: "INV-300002"),
        ])
        defer { TestFiles.remove(batch) }
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.quickbooks.stripPrefixes = ["INV-"]
        let run = Harness.convert(batch, to: target, configuration: configuration)
        if target.hasPrefix("qbd") {
            #expect(run.report.heldBack == ["INVOICE-2026-300001"])
            #expect(
                run.findings.contains {
                    $0.severity == .error
                        && $0.message
                            == "INVOICE-2026-300001 is longer than the 11 characters QuickBooks Desktop keeps as a invoice's number (after quickbooks.strip_prefixes it is 'INVOICE-2026-300001', 19 characters) — document INVOICE-2026-300001 held back"
                })
            #expect(run.placements.map(\.document) == ["INV-300002"])
            let written = TestFiles.names(in: run.folder).filter { !$0.contains("problems") }.compactMap {
                TestFiles.read(run.folder + "/" + $0)
            }.joined()
            #expect(
                written.contains("300002") && !written.contains("INV-300002<") && written.contains("KCC INV-300002"))
        } else {
            #expect(run.report.heldBack.isEmpty)
            #expect(run.placements.count == 2)
        }
    }

    @Test(
        "a three-decimal currency is held back with a clear finding; a zero-decimal one is written exactly with two",
        arguments: ["qbd-iif", "qbd-qbxml", "qbo-csv", "qbo-xml"])
    func currencies(target: String) throws {
        let batch = QuickBooksBatch.write([
            QuickBooksBatch.invoice(
                number: "INV-300003", currency: "KWD", price: "10.125", tax: "2.025", gross: "12.150"),
            QuickBooksBatch.invoice(number: "INV-300004", currency: "JPY", price: "1200", tax: "240", gross: "1440"),
        ])
        defer { TestFiles.remove(batch) }
        let run = Harness.convert(batch, to: target)
        #expect(run.report.heldBack == ["INV-300003"])
        #expect(
            run.findings.contains {
                $0.message.hasPrefix("Currency KWD has 3 decimal places and QuickBooks amounts carry two")
            })
        let written = TestFiles.names(in: run.folder).filter { !$0.contains("problems") }.compactMap {
            TestFiles.read(run.folder + "/" + $0)
        }.joined()
        #expect(written.contains("1440.00") || written.contains("1200.00"))
        #expect(!written.contains("10.125"))
    }

    @Test("IIF: a tab or line break in a description becomes a space with a warning; the file keeps its shape")
    func iifText() throws {
        let batch = QuickBooksBatch.write([QuickBooksBatch.invoice(description: "\"Tent\twith\nporch\"")])
        defer { TestFiles.remove(batch) }
        let run = Harness.convert(batch, to: "qbd-iif")
        #expect(run.report.heldBack.isEmpty && run.report.written == 1)
        #expect(
            run.findings.contains {
                $0.severity == .warning && $0.message.contains("line 1: Description holds a tab or line break")
            })
        let text = try #require(
            TestFiles.read(run.folder + "/" + TestFiles.names(in: run.folder).first { $0.hasSuffix(".iif") }!))
        #expect(text.contains("\tTent with porch\t"))
        #expect(text.split(separator: "\r\n").allSatisfy { !$0.contains("\n") })
        // The XML targets carry the text as it is.
        let xml = Harness.convert(batch, to: "qbd-qbxml")
        #expect(!xml.findings.contains { $0.message.contains("tab or line break") })
    }

    @Test("qbXML and the QBO files hold back a line whose tax code has no qbd or qbo entry")
    func missingTaxCode() throws {
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.taxCodes["T1"]?.fields["qbd"] = nil
        configuration.taxCodes["T1"]?.fields["qbo"] = nil
        for target in ["qbd-qbxml", "qbo-xml", "qbo-csv"] {
            let run = Harness.convert("samples/batch-2026-11.csv", to: target, configuration: configuration)
            #expect(run.report.heldBack.contains("INV-100870"), "\(target)")
            #expect(!run.report.heldBack.contains("INV-100872"), "\(target): all lines T0")
            #expect(
                run.findings.contains {
                    $0.message.hasPrefix(
                        "line 1: TaxCode T1 has no \(target.hasPrefix("qbd") ? "qbd" : "qbo") under tax_codes")
                })
        }
        // IIF posts VAT to one liability split and needs no code.
        #expect(
            Harness.convert("samples/batch-2026-11.csv", to: "qbd-iif", configuration: configuration).report.heldBack
                .isEmpty)
    }
}

@Suite("Seed 000 and seed 001: credit notes and refunds in QuickBooks")
struct QuickBooksRefundModeTests {
    @Test(
        "a cancelled order credited before invoicing (CRN-004608, no RelatedInvoice) gives a stand-alone credit in every mode"
    )
    func cancelledOrder() throws {
        let iif = Harness.convert("samples/batch-2026-11.csv", to: "qbd-iif")
        #expect(iif.placements.contains { $0.document == "CRN-004608" })
        let qbxml = Harness.convert("samples/batch-2026-11.csv", to: "qbd-qbxml")
        let memos = try #require(TestFiles.read(qbxml.folder + "/batch-2026-11.qbd-credit-memos.qbxml"))
        #expect(memos.contains("<Memo>KCC CRN-004608, order SO-51874, cancelled before invoicing (no invoice)</Memo>"))
        #expect(memos.contains("<CreditMemoAdd defMacro=\"TxnID:CreditMemo:CRN-004608\">"))
        let csv = Harness.convert("samples/batch-2026-11.csv", to: "qbo-csv")
        #expect(
            csv.findings.contains {
                $0.document == "CRN-004608" && $0.message.contains("send credit notes with --to qbo-xml")
            })
        let memo = Harness.convert("samples/batch-2026-11.csv", to: "qbo-xml")
        let memoText = try #require(TestFiles.read(memo.folder + "/batch-2026-11.qbo-credit-notes.xml"))
        #expect(
            memoText.contains("<CreditMemo>") && !memoText.contains("RefundReceipt") && !memoText.contains("InvoiceRef")
        )
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.quickbooks.onlineRefunds = .refundReceipt
        configuration.quickbooks.refundAccount = "Card Refunds"
        let receipt = Harness.convert("samples/batch-2026-11.csv", to: "qbo-xml", configuration: configuration)
        let receiptText = try #require(TestFiles.read(receipt.folder + "/batch-2026-11.qbo-credit-notes.xml"))
        #expect(
            receiptText.components(separatedBy: "<RefundReceipt>").count == 3 && !receiptText.contains("<CreditMemo>"))
        #expect(
            receiptText.components(separatedBy: "<DepositToAccountRef>Card Refunds</DepositToAccountRef>").count == 3)
        // Connex's "credit memos for invoices only": the returned stove (credits INV-100871) is a credit memo,
        // the order cancelled before invoicing is refunded with a receipt.
        configuration.quickbooks.onlineRefunds = .creditMemoForInvoices
        let mixed = Harness.convert("samples/batch-2026-11.csv", to: "qbo-xml", configuration: configuration)
        let mixedText = try #require(TestFiles.read(mixed.folder + "/batch-2026-11.qbo-credit-notes.xml"))
        #expect(
            mixedText.components(separatedBy: "<RefundReceipt>").count == 2
                && mixedText.components(separatedBy: "<CreditMemo>").count == 2)
        let receiptStart = try #require(mixedText.range(of: "<RefundReceipt>"))
        #expect(mixedText[receiptStart.upperBound...].contains("CRN-004608"))
        let schema = try? XMLSchema(path: Harness.root + "/../shared/vendor/qbo/IntuitRestServiceDef.xsd")
        if let schema { #expect(schema.validate(path: mixed.folder + "/batch-2026-11.qbo-credit-notes.xml").isEmpty) }
    }

    @Test(
        "a prepayment: QBO links it to its invoice by DocNumber; qbXML lets QuickBooks apply it; IIF deposits it by payment method"
    )
    func prepayment() throws {
        let qbo = Harness.convert("samples/batch-2026-11.csv", to: "qbo-xml")
        let payments = try #require(TestFiles.read(qbo.folder + "/batch-2026-11.qbo-payments.xml"))
        #expect(
            payments.contains("<LinkedTxn>\n          <TxnId>INV-100875</TxnId>\n          <TxnType>Invoice</TxnType>"))
        let qbxml = Harness.convert(
            "samples/batch-2026-11.csv", to: "qbd-qbxml",
            configuration: try Harness.configuration("samples/kccbridge.yaml"))
        let receive = try #require(TestFiles.read(qbxml.folder + "/batch-2026-11.qbd-payments.qbxml"))
        #expect(receive.contains("<RefNumber>88840</RefNumber>") && receive.contains("<IsAutoApply>true</IsAutoApply>"))
        #expect(
            receive.contains("<DepositToAccountRef>\n          <FullName>090</FullName>"),
            "Bank Transfer is listed under payments.accounts")
    }

    @Test("qbXML onError follows the configuration")
    func onError() throws {
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.quickbooks.onError = .rollbackOnError
        let run = Harness.convert("samples/batch-2026-11.csv", to: "qbd-qbxml", configuration: configuration)
        let text = try #require(TestFiles.read(run.folder + "/batch-2026-11.qbd-invoices.qbxml"))
        #expect(text.contains("<?qbxml version=\"13.0\"?>\n<QBXML>\n  <QBXMLMsgsRq onError=\"rollbackOnError\">"))
    }
}

@Suite("IIF in Windows-1252")
struct IIFEncodingTests {
    @Test("with iif_encoding windows-1252 the file is single-byte text; a name it cannot carry holds its document back")
    func windows1252() throws {
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.quickbooks.iifEncoding = .windows1252
        let run = Harness.convert("samples/batch-2026-11.csv", to: "qbd-iif", configuration: configuration)
        #expect(run.report.failure == nil && run.report.allHeldBack.isEmpty)
        let path = run.folder + "/batch-2026-11.qbd-transactions.iif"
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(String(data: data, encoding: .utf8) == nil || !data.contains(0xC3))  // no UTF-8 two-byte sequences
        #expect(String(data: data, encoding: .windowsCP1252)?.contains("München") == true)

        let batch = TestFiles.temporaryPath(".csv")
        let file = try DurableOutput.DurableFile(path: batch)
        try BatchGenerator(options: .init(orders: 40, seed: 2, nasty: true)).generate(
            into: BatchFile.writer(.csv, to: file))
        try file.commit()
        defer { TestFiles.remove(batch) }
        let nasty = Harness.convert(batch, to: "qbd-iif", configuration: configuration)
        #expect(
            nasty.findings.contains {
                $0.severity == .error && $0.message.contains("windows-1252 cannot carry (quickbooks.iif_encoding)")
            })
        #expect(nasty.report.written > 0)
    }
}
