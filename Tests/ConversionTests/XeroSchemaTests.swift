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
import Yams

/// Every element we write must be a property of the matching schema in Xero's
/// OpenAPI spec (`../shared/vendor/xero/xero_accounting.yaml`).
@Suite("Xero XML element names follow Xero's OpenAPI spec")
struct XeroSchemaTests {
    static let specPath = Harness.root + "/../shared/vendor/xero/xero_accounting.yaml"

    /// Element → the schema whose properties its children must be; wrappers → the one child they hold.
    static let schemaOf: [String: String] = [
        "Invoice": "Invoice", "CreditNote": "CreditNote", "Payment": "Payment", "LineItem": "LineItem",
        "Contact": "Contact",
        "Address": "Address", "TrackingCategory": "LineItemTracking", "Account": "Account",
    ]
    static let wrappers: [String: String] = [
        "Invoices": "Invoice", "CreditNotes": "CreditNote", "Payments": "Payment", "LineItems": "LineItem",
        "Addresses": "Address", "Tracking": "TrackingCategory",
    ]

    @Test("every element of every golden Xero XML file is in the spec")
    func elementNames() throws {
        guard FileManager.default.fileExists(atPath: Self.specPath) else {
            print("notice: \(Self.specPath) is absent; the Xero OpenAPI check is skipped")
            return
        }
        let spec = try #require(
            try Yams.load(yaml: try String(contentsOfFile: Self.specPath, encoding: .utf8)) as? [String: Any])
        let schemas = try #require((spec["components"] as? [String: Any])?["schemas"] as? [String: Any])
        func properties(_ schema: String) -> Set<String> {
            Set(((schemas[schema] as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        var checked = 0
        // The refund payments reconciliation writes for refunds made in a sales channel, too.
        let refundsFolder = TestFiles.makeFolder()
        let refund = RefundPayment(
            refundID: "9001", creditNote: "CRN-004608", orderNumber: "SO-51874", customerName: "Tom Fletcher",
            amount: try Money(parsing: "59.99", currency: .gbp), date: CalendarDate(year: 2026, month: 11, day: 21)!,
            method: "Amazon", reference: "AMZ-R-1")
        TestFiles.write(
            refundsFolder + "/refunds.xml",
            bytes: try XeroRefundPayments(payments: PaymentAccounts()).contents([refund]))
        var files: [String] = [refundsFolder + "/refunds.xml"]
        for folder in ["xero-xml-default", "xero-xml-mapped"] {
            let base: String = Harness.golden + "/" + folder + "/"
            for name in TestFiles.names(in: base) where name.hasSuffix(".xml") { files.append(base + name) }
        }
        #expect(files.count == 7)
        do {
            for path in files {
                let name = path
                let reader = try XMLPullReader(path: path)
                var stack: [String] = []
                while let event = try reader.next() {
                    switch event {
                    case .startElement(let element):
                        if let parent = stack.last {
                            if let child = Self.wrappers[parent] {
                                #expect(element.name == child, "\(name): <\(parent)> holds <\(element.name)>")
                            } else if let schema = Self.schemaOf[parent] {
                                #expect(
                                    properties(schema).contains(element.name),
                                    "\(name): \(element.name) is not a property of \(schema)")
                                checked += 1
                            }
                        } else {
                            #expect(Self.wrappers[element.name] != nil, "\(name): root \(element.name)")
                        }
                        if !element.isEmpty { stack.append(element.name) }
                    case .endElement:
                        stack.removeLast()
                    case .text:
                        break
                    }
                }
            }
        }
        #expect(checked > 100)
    }
}
