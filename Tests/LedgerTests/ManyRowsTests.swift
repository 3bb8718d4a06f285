import KCCModel
import Ledger
import Testing

/// A run's refunds and outcomes are checked against the ledger read once and written many rows to a
/// statement; these tests hold them to what checking and writing one at a time gives.
@Suite("A run of many refunds and outcomes is recorded as one at a time would be")
struct ManyRowsTests {
    /// 150 refunds of 1.00 on CRN-1 (gross 150.00), split over more than two statements' worth of rows.
    private static let exact = (0..<150).map { Sample.refund("R-\($0)", to: "CRN-1", 100) }

    @Test(
        "refunds that use a credit note up exactly are applied; one more is refused, and nothing of its run kept",
        arguments: stores)
    func balanceCountsEachRefundOfTheRun(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        try fixture.export([Sample.credit("CRN-1", gross: 15_000), Sample.credit("CRN-2", gross: 500)], to: "x.csv")

        // The last penny of CRN-1 goes in the same run as the first: over by one, so the whole run is refused.
        let over = try #require(throws: LedgerError.self) {
            try fixture.reconcile([], refunds: Self.exact + [Sample.refund("R-150", to: "CRN-1", 1)])
        }
        #expect(over.code == .overRefund)
        #expect(try ledger.appliedRefunds(creditNote: "CRN-1").isEmpty)

        try fixture.reconcile([], refunds: Self.exact + [Sample.refund("R-150", to: "CRN-2", 500)])
        let note = try #require(try ledger.creditNote(number: "CRN-1"))
        #expect(note.applied.minorUnits == 15_000)
        #expect(note.refundCount == 150)
        #expect(try ledger.appliedRefunds(creditNote: "CRN-1").map(\.refund.refundID) == Self.exact.map(\.refundID))
        #expect(try ledger.creditNote(number: "CRN-2")?.open.isZero == true)

        // A later run: each refund was applied before, and CRN-1 has nothing left.
        let again = try #require(throws: LedgerError.self) {
            try fixture.reconcile([], refunds: [Sample.refund("R-7", to: "CRN-2", 1)])
        }
        #expect(again.code == .refundAlreadyApplied)
        let full = try #require(throws: LedgerError.self) {
            try fixture.reconcile([], refunds: [Sample.refund("R-new", to: "CRN-1", 1)])
        }
        #expect(full.code == .overRefund)
    }

    @Test("within one run a refund may be split across credit notes, but not put twice on one", arguments: stores)
    func splitAndTwiceInOneRun(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        try fixture.export(
            [Sample.credit("CRN-1", gross: 15_000), Sample.credit("CRN-2", gross: 500), Sample.credit("CRN-3")],
            to: "x.csv")
        let twice = try #require(throws: LedgerError.self) {
            try fixture.reconcile([], refunds: Self.exact + [Sample.refund("R-3", to: "CRN-1", 1)])
        }
        #expect(twice.code == .refundAlreadyApplied)
        let unknown = try #require(throws: LedgerError.self) {
            try fixture.reconcile([], refunds: Self.exact + [Sample.refund("R-x", to: "CRN-404", 1)])
        }
        #expect(unknown.code == .unknownCreditNote)
        let currency = try #require(throws: LedgerError.self) {
            try fixture.reconcile([], refunds: [Sample.refund("R-x", to: "CRN-3", 1, currency: .eur)])
        }
        #expect(currency.code == .currencyMismatch)

        try fixture.reconcile([], refunds: Self.exact + [Sample.refund("R-3", to: "CRN-2", 200)])
        #expect(
            try ledger.appliedRefundParts(refundID: "R-3", sourceSystem: "xero").map(\.refund.creditNote) == [
                "CRN-1", "CRN-2",
            ])
        // The same id from another source is another refund.
        try fixture.reconcile([], refunds: [Sample.refund("R-3", to: "CRN-2", 300, source: "shop")])
        #expect(try ledger.creditNote(number: "CRN-2")?.refundCount == 2)
    }

    @Test("a refund seen twice among many outcomes keeps its later outcome and its first amount", arguments: stores)
    func outcomeSeenTwice(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        func outcome(_ id: String, _ what: String, _ amount: Int64?, line: Int) -> RefundOutcomeRecord {
            Sample.outcome(id, what, reason: "\(what) at \(line)", line: line, amount: amount)
        }
        // R-5 twice in the first 64 rows, R-100 twice in the second: both statements' worth go row by row.
        var outcomes = (0..<130).map { outcome("R-\($0)", "needs-credit-note", 100, line: $0 + 2) }
        outcomes.insert(outcome("R-5", "conflict", nil, line: 500), at: 40)
        outcomes.insert(outcome("R-100", "conflict", nil, line: 501), at: 110)
        try fixture.reconcile(outcomes)

        let r5 = try #require(try ledger.refundOutcome(refundID: "R-5", sourceSystem: "xero"))
        #expect(r5.outcome == "conflict")
        #expect(r5.sourceLine == 500)
        #expect(r5.amount?.minorUnits == 100)
        let r100 = try #require(try ledger.refundOutcome(refundID: "R-100", sourceSystem: "xero"))
        #expect(r100.outcome == "conflict")
        #expect(r100.sourceLine == 501)
        #expect(r100.amount?.minorUnits == 100)
        #expect(try ledger.refundOutcome(refundID: "R-129", sourceSystem: "xero")?.reason == "needs-credit-note at 131")
        #expect(try ledger.pendingRefunds().count == 130)
    }

    @Test(
        "refunds and outcomes handed over in parts are checked and kept as if all came at once",
        arguments: stores)
    func inParts(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        try fixture.export([Sample.credit("CRN-1", gross: 15_000), Sample.credit("CRN-2", gross: 500)], to: "x.csv")

        // The penny too many is in a later part than the refunds that used CRN-1 up: the whole run is refused.
        let over = try #require(throws: LedgerError.self) {
            try fixture.reconcile(inPartsOf: 7, [], refunds: Self.exact + [Sample.refund("R-150", to: "CRN-1", 1)])
        }
        #expect(over.code == .overRefund)
        // So is a refund put twice on one credit note, once in each of two parts.
        let twice = try #require(throws: LedgerError.self) {
            try fixture.reconcile(inPartsOf: 7, [], refunds: Self.exact + [Sample.refund("R-3", to: "CRN-1", 1)])
        }
        #expect(twice.code == .refundAlreadyApplied)
        #expect(try ledger.appliedRefunds(creditNote: "CRN-1").isEmpty)
        #expect(try ledger.pendingRefunds().isEmpty)

        // An outcome given in the first part and again in a later one keeps the later.
        let outcomes =
            (0..<20).map { Sample.outcome("R-x\($0)", "needs-credit-note", reason: "first", line: $0) }
            + [Sample.outcome("R-x3", "ambiguous", reason: "later", line: 99)]
        try fixture.reconcile(
            inPartsOf: 7, outcomes, refunds: Self.exact + [Sample.refund("R-150", to: "CRN-2", 500)])
        #expect(try ledger.creditNote(number: "CRN-1")?.open.isZero == true)
        #expect(try ledger.appliedRefunds(creditNote: "CRN-1").map(\.refund.refundID) == Self.exact.map(\.refundID))
        #expect(try ledger.creditNote(number: "CRN-2")?.open.isZero == true)
        #expect(try ledger.refundOutcome(refundID: "R-x3", sourceSystem: "xero")?.reason == "later")
        #expect(try ledger.pendingRefunds().count == 20)
    }
}
