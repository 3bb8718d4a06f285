import KCCModel
import KCCTestSupport
import Mapping
import PackageInterface
import PackageRegistry
import Refunds
import Testing

/// The refund files every package reads, and any CSV.
private let refundFile = RefundFile(readers: PackageRegistry.all.refundReaders)

/// The refund fixtures, shared with the reconciliation tests.
let fixtures = TestFiles.repositoryRoot() + "/Tests/ReconciliationTests/Fixtures"

@Suite("Refund readers")
struct RefundReaderTests {
    @Test("Xero Payments response: refunds of credit notes only, credit note inside Invoice")
    func xeroPayments() throws {
        let refunds = try refundFile.read(fixtures + "/xero-payments.xml", displayName: "p.xml").refunds
        #expect(refunds.map(\.id) == ["b1c1e3a0-0001-4c1e-9f00-000000000001", "b1c1e3a0-0001-4c1e-9f00-000000000003"])
        let first = refunds[0]
        #expect(first.system == "xero" && first.creditNote == "CRN-004609" && first.amount?.description == "32.99 GBP")
        #expect(
            first.date == CalendarDate(year: 2026, month: 11, day: 18) && first.method == "090"
                && first.customer == "O'Neill, Siobhan")
        #expect(first.location.description == "p.xml:7")
        #expect(first.isValid)
    }

    @Test("Xero CreditNotes response: refunds nested under the credit note, order number from its Reference")
    func xeroCreditNotes() throws {
        let refunds = try refundFile.read(fixtures + "/xero-creditnotes.xml").refunds
        #expect(refunds.count == 1)
        #expect(refunds[0].creditNote == "CRN-004608" && refunds[0].orderNumber == "SO-51874")
        #expect(refunds[0].amount?.amountText == "59.99")  // 59.9900 from the API
        #expect(refunds[0].customer == "Tom Fletcher")
    }

    @Test("qbXML responses: card refunds, cheques linked to credit memos, and credit memos' linked refunds share ids")
    func qbxml() throws {
        let refunds = try refundFile.read(fixtures + "/qbd-refunds.qbxml").refunds
        #expect(refunds.map(\.id) == ["1F3-1732000000", "1F7-1732100000", "1F3-1732000000"])
        #expect(refunds.map(\.creditNote) == ["004609", "004608", "004609"])
        #expect(refunds.map { $0.amount?.amountText } == ["32.99", "59.99", "32.99"])
        #expect(refunds[1].method == "Cheque" && refunds[1].reference == "KCC CRN-004608 cancelled order")
        #expect(refunds.allSatisfy { $0.system == "quickbooks-desktop" && $0.isValid })
    }

    @Test("a Linnworks refund export reads without configuration; a row without an amount is invalid, not dropped")
    func linnworks() throws {
        let refunds = try refundFile.read(fixtures + "/linnworks-refunds.csv").refunds
        #expect(refunds.map(\.id) == ["9001", "9002", "9003", "9004"])
        #expect(refunds[0].orderNumber == "SO-51874" && refunds[0].reference == "AMZ-R-1")
        #expect(refunds[0].date == CalendarDate(year: 2026, month: 11, day: 21))
        #expect(!refunds[3].isValid && refunds[3].problems.map(\.message) == ["the amount is missing"])
        // The problem is a finding at the record's line, naming the field.
        #expect(
            refunds[3].problems.first?.location == refunds[3].location
                && refunds[3].problems.first?.field == "the amount")
    }

    @Test("configured column names come before the built-in ones")
    func configuredColumns() throws {
        let path = TestFiles.temporaryPath(".csv")
        TestFiles.write(path, "Txn,Ord,Value,When\nA1,SO-1,12.50,2026-11-02\n")
        defer { TestFiles.remove(path) }
        var settings = RefundSettings()
        settings.columns = [.id: ["Txn"], .orderNumber: ["Ord"], .amount: ["Value"], .date: ["When"]]
        let refunds = try refundFile.read(path, settings: settings).refunds
        #expect(
            refunds.first?.id == "A1" && refunds.first?.amount?.amountText == "12.50"
                && refunds.first?.orderNumber == "SO-1")
        #expect(throws: FileRefusal.self) { try refundFile.read(path) }
    }

    @Test("formats are sniffed from content; an unknown file is an error, never a guess")
    func sniffing() throws {
        #expect(try refundFile.sniff(fixtures + "/xero-payments.xml", "x") == "xero-xml")
        #expect(try refundFile.sniff(fixtures + "/qbd-refunds.qbxml", "x") == "qbd-qbxml")
        #expect(try refundFile.sniff(fixtures + "/linnworks-refunds.csv", "x") == "refund-csv")
        let path = TestFiles.temporaryPath(".xml")
        TestFiles.write(path, "<Invoices><Invoice/></Invoices>")
        defer { TestFiles.remove(path) }
        #expect(throws: FileRefusal.self) { try refundFile.sniff(path, "x") }
    }
}

@Suite("Refund CSV choices")
struct RefundCSVChoiceTests {
    @Test("a negative amount is invalid unless the configuration says this file writes refunds as negative")
    func negativeAmounts() throws {
        let path = TestFiles.temporaryPath(".csv")
        TestFiles.write(path, "RefundId,CreditNote,Amount,Date\nN1,CRN-1,-5.00,2026-11-20\n")
        defer { TestFiles.remove(path) }
        let strict = try refundFile.read(path).refunds
        #expect(!strict[0].isValid && strict[0].problems[0].message.contains("is negative"))
        var settings = RefundSettings()
        settings.negativeAmountsAreRefunds = true
        settings.csvSource = "bank"
        let lenient = try refundFile.read(path, settings: settings).refunds
        #expect(lenient[0].isValid && lenient[0].amount?.amountText == "5.00" && lenient[0].system == "bank")
    }
}
