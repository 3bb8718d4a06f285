import Configuration
import Foundation
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

/// Intuit's schemas in `../shared/vendor/`, compiled once; `nil` (with a printed notice) when the folder is absent.
enum IntuitSchemas {
    static let qbxmlPath = Harness.root + "/../shared/vendor/qbxml/qbxmlops130.xsd"
    static let qboPath = Harness.root + "/../shared/vendor/qbo/IntuitRestServiceDef.xsd"

    static let qbxml: XMLSchema? = compile(qbxmlPath)
    static let qbo: XMLSchema? = compile(qboPath)

    private static func compile(_ path: String) -> XMLSchema? {
        guard FileManager.default.fileExists(atPath: path) else {
            print("notice: \(path) is absent; validation against it is skipped")
            return nil
        }
        do {
            return try XMLSchema(path: path)
        } catch {
            Issue.record("\(error)")
            return nil
        }
    }

    /// Every file ending in `suffix` in the golden folders starting with `prefix`.
    static func goldenFiles(_ prefix: String, _ suffix: String) -> [String] {
        TestFiles.names(in: Harness.golden).filter { $0.hasPrefix(prefix) }.flatMap { folder in
            TestFiles.names(in: Harness.golden + "/" + folder).filter { $0.hasSuffix(suffix) }.map {
                Harness.golden + "/" + folder + "/" + $0
            }
        }
    }
}

@Suite("QuickBooks XML validates against Intuit's schemas")
struct QuickBooksSchemaTests {
    @Test("every golden qbXML file is valid qbXML 13.0 (qbxmlops130.xsd)")
    func qbxmlGolden() throws {
        guard let schema = IntuitSchemas.qbxml else { return }
        let files = IntuitSchemas.goldenFiles("qbd-qbxml", ".qbxml")
        #expect(files.count == 6)
        for file in files {
            #expect(schema.validate(path: file) == [], "\(file)")
            let text = try #require(TestFiles.read(file))
            #expect(
                text.hasPrefix(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?qbxml version=\"13.0\"?>\n<QBXML>\n  <QBXMLMsgsRq onError="
                ))
        }
    }

    @Test("every golden QuickBooks Online file is a valid IntuitBatchRequest (IntuitRestServiceDef.xsd)")
    func qboGolden() throws {
        guard let schema = IntuitSchemas.qbo else { return }
        let files = IntuitSchemas.goldenFiles("qbo-xml", ".xml")
        #expect(files.count == 12)
        for file in files {
            #expect(schema.validate(path: file) == [], "\(file)")
        }
    }

    @Test(
        "the check is live: a RefNumber over 11 characters, or Memo before RefNumber, fails qbXML; an element QBO lacks fails IntuitRestServiceDef"
    )
    func negative() throws {
        let qbxml = try #require(TestFiles.read(Harness.golden + "/qbd-qbxml-default/batch-2026-11.qbd-invoices.qbxml"))
        let qbo = try #require(TestFiles.read(Harness.golden + "/qbo-xml-default/batch-2026-11.qbo-invoices.xml"))
        let broken: [(XMLSchema?, String)] = [
            (
                IntuitSchemas.qbxml,
                qbxml.replacingOccurrences(
                    of: "<RefNumber>INV-100870</RefNumber>", with: "<RefNumber>INV-1008700000</RefNumber>")
            ),
            (
                IntuitSchemas.qbxml,
                qbxml.replacingOccurrences(
                    of: "<TxnDate>2026-11-02</TxnDate>", with: "<Memo>early</Memo><TxnDate>2026-11-02</TxnDate>")
            ),
            (
                IntuitSchemas.qbo,
                qbo.replacingOccurrences(
                    of: "<DocNumber>INV-100870</DocNumber>", with: "<InvoiceNumber>INV-100870</InvoiceNumber>")
            ),
        ]
        for (schema, text) in broken {
            guard let schema else { continue }
            let path = TestFiles.temporaryPath(".xml")
            defer { TestFiles.remove(path) }
            TestFiles.write(path, text)
            #expect(schema.validate(path: path) != [])
        }
    }

    @Test(
        "a refund of a credit memo by card or by cheque, by TxnID or by the credit memo's macro, is valid qbXML",
        arguments: [
            (QuickBooksSettings.DesktopRefunds.creditCard, "ARRefundCreditCardAddRq"), (.cheque, "CheckAddRq"),
        ])
    func refunds(mode: QuickBooksSettings.DesktopRefunds, request: String) throws {
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.quickbooks.desktopRefunds = mode
        let refunds = [
            DesktopRefund(
                creditMemoRefNumber: "CRN-004609", creditMemoTxnID: "1A2B-1700000000", customer: "O'Neill, Siobhan",
                amount: Money(minorUnits: 3959, currency: .gbp), date: CalendarDate(year: 2026, month: 11, day: 20)!,
                account: configuration.quickbooks.refundFromAccount, requestID: "CRN-004609", refNumber: "R-4609"),
            DesktopRefund(
                creditMemoRefNumber: "CRN-004608", customer: "Tom Fletcher",
                amount: Money(minorUnits: 5999, currency: .gbp),
                date: CalendarDate(year: 2026, month: 11, day: 21)!, account: "Barclays Current",
                requestID: "CRN-004608"),
        ]
        let bytes = try DesktopRefund.requestSet(refunds, configuration: QuickBooksConfiguration(configuration))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "<\(request) requestID=").count == 3)
        #expect(text.contains("<TxnID>1A2B-1700000000</TxnID>"))
        #expect(text.contains("<TxnID useMacro=\"TxnID:CreditMemo:CRN-004608\"/>"))
        #expect(text.contains(mode == .cheque ? "<Amount>39.59</Amount>" : "<RefundAmount>39.59</RefundAmount>"))
        guard let schema = IntuitSchemas.qbxml else { return }
        let path = TestFiles.temporaryPath(".qbxml")
        defer { TestFiles.remove(path) }
        TestFiles.write(path, bytes: bytes)
        #expect(schema.validate(path: path) == [], "\(text)")
    }
}
