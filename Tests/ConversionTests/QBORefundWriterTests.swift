import KCCModel
import KCCTestSupport
import PackageInterface
import QuickBooksCommon
import QuickBooksOnline
import Testing

@Suite("reconcile --to qbo-xml: refunds made elsewhere, for QuickBooks Online")
struct QBORefundWriterTests {
    static func payment(_ id: String, customer: String = "O'Neill, Siobhan", minor: Int64 = 1000) -> RefundPayment {
        RefundPayment(
            refundID: id, creditNote: "CRN-004609", orderNumber: "SO-51871", customerName: customer,
            amount: Money(minorUnits: minor, currency: .gbp), date: CalendarDate(year: 2026, month: 11, day: 21)!,
            method: "PayPal", reference: "EB-R-7")
    }

    static func configuration(lists: [String] = QBOListsTests.sampleLists) throws -> QuickBooksConfiguration {
        var configuration = try Harness.configuration("samples/kccbridge.yaml")
        configuration.quickbooks.onlineLists = lists
        return QuickBooksConfiguration(configuration)
    }

    @Test(
        "each refund is a cheque (Purchase) out of the refund account, its line on A/R naming the customer, by Id; valid"
    )
    func purchases() throws {
        let writer = QBORefundExpenses(configuration: try Self.configuration())
        let refunds = [Self.payment("9002"), Self.payment("9001", customer: "Amazon UK Customers", minor: 5999)]
        #expect(refunds.allSatisfy { writer.refusal($0) == nil })
        let bytes = try writer.contents(refunds)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "<Purchase>").count == 3)
        #expect(
            text.contains(#"<CustomerRef name="O&apos;Neill, Siobhan">63</CustomerRef>"#)
                || text.contains(#"<CustomerRef name="O'Neill, Siobhan">63</CustomerRef>"#))
        #expect(text.contains(#"<AccountRef name="Accounts Receivable">3</AccountRef>"#))
        #expect(text.contains(#"<AccountRef name="Current Account">35</AccountRef>"#))
        #expect(text.contains("<PaymentType>Check</PaymentType>") && text.contains("<TotalAmt>59.99</TotalAmt>"))
        #expect(writer.maximumPerFile == 30)
        guard let schema = IntuitSchemas.qbo else { return }
        let path = TestFiles.temporaryPath(".xml")
        defer { TestFiles.remove(path) }
        TestFiles.write(path, bytes: bytes)
        #expect(schema.validate(path: path) == [], "\(text)")
    }

    @Test("a customer missing from the Customer list, no refund account, or refund receipts mode refuse the file")
    func refusals() throws {
        let writer = QBORefundExpenses(configuration: try Self.configuration())
        #expect(writer.refusal(Self.payment("1", customer: "Nobody Ltd"))?.contains("Customer 'Nobody Ltd'") == true)
        var noAccount = try Self.configuration()
        noAccount.quickbooks.refundAccount = nil
        #expect(
            QBORefundExpenses(configuration: noAccount).refusal(Self.payment("1"))?.contains(
                "quickbooks.refund_account")
                == true)
        var receipts = try Self.configuration()
        receipts.quickbooks.onlineRefunds = .refundReceipt
        #expect(QBORefundExpenses(configuration: receipts).refusal(Self.payment("1"))?.contains("twice") == true)
        let unreadable = QBORefundExpenses(configuration: try Self.configuration(lists: ["/nonexistent/lists.xml"]))
        #expect(unreadable.refusal(Self.payment("1")) != nil)
    }
}
