import KCCModel
import Ledger
import Testing

@Suite("Refunds against credit notes, resolutions, processed files")
struct RefundTests {
    /// A ledger with credit note CRN-1 (50.00 GBP) of order SO-51877 exported, and the run that exported it.
    private func ledgerWithCreditNote(_ store: StoreKind) throws -> (LedgerFixture, RunID) {
        let fixture = try LedgerFixture(store: store)
        let run = try fixture.export([Sample.invoice("INV-100234"), Sample.credit("CRN-1", gross: 5_000)], to: "x.csv")
        return (fixture, run)
    }

    @Test("the open amount of a credit note is its gross less the refunds applied to it", arguments: stores)
    func openAmount(store: StoreKind) throws {
        let (fixture, run) = try ledgerWithCreditNote(store)
        let ledger = fixture.ledger
        #expect(try ledger.creditNote(number: "CRN-1")?.open == Money(minorUnits: 5_000, currency: .gbp))
        try ledger.recordRefund(Sample.refund("R-1", to: "CRN-1", 2_000), run: run)
        try ledger.recordRefund(Sample.refund("R-2", to: "CRN-1", 1_250, source: "linnworks"), run: run)
        let balance = try #require(try ledger.creditNote(number: "CRN-1"))
        #expect(
            balance.gross.minorUnits == 5_000 && balance.applied.minorUnits == 3_250 && balance.open.minorUnits == 1_750
        )
        #expect(balance.refundCount == 2 && balance.relatedInvoice == "INV-100234")
        #expect(balance.description == "CRN-1: gross 50.00 GBP, 2 refunds applied 32.50 GBP, open 17.50 GBP")
        #expect(try ledger.creditNotes(orderNumber: "SO-51877") == [balance])
        #expect(try ledger.creditNote(number: "INV-100234") == nil)
        #expect(try ledger.isRefundApplied(refundID: "R-1", sourceSystem: "xero"))
        #expect(try !ledger.isRefundApplied(refundID: "R-1", sourceSystem: "linnworks"))
        #expect(try ledger.appliedRefunds(creditNote: "CRN-1").map(\.refund.refundID) == ["R-1", "R-2"])
    }

    @Test(
        "what reconciliation asks besides: known orders, every credit note number, credit notes of an amount in a date range",
        arguments: stores)
    func lookups(store: StoreKind) throws {
        let (fixture, _) = try ledgerWithCreditNote(store)
        try fixture.export([Sample.credit("CRN-2", order: "SO-2", invoice: nil, gross: 5_000)], to: "y.csv")
        let ledger = fixture.ledger
        #expect(try ledger.isOrderKnown("SO-51877"))
        #expect(try !ledger.isOrderKnown("SO-2"))  // only a credit note: nothing invoiced or paid
        #expect(try ledger.creditNoteNumbers() == ["CRN-1", "CRN-2"])
        let fifty = Money(minorUnits: 5_000, currency: .gbp)
        let day = Sample.day
        #expect(
            try ledger.creditNotes(amount: fifty, from: day.adding(days: -3), through: day.adding(days: 3)).map(
                \.number) == ["CRN-1", "CRN-2"])
        #expect(try ledger.creditNotes(amount: fifty, from: day.adding(days: 1), through: day.adding(days: 3)).isEmpty)
        #expect(
            try ledger.creditNotes(amount: Money(minorUnits: 5_000, currency: .eur), from: day, through: day).isEmpty)
        #expect(try ledger.creditNote(number: "CRN-2")?.date == day)
    }

    @Test(
        "the ledger refuses a refund applied twice, too large, in another currency or against an unknown credit note",
        arguments: [
            (
                Sample.refund("R-1", to: "CRN-1", 100), LedgerError.Code.refundAlreadyApplied,
                "refund R-1 (xero) was already applied to CRN-1 in run 1 on 2026-11-20"
            ),
            (
                Sample.refund("R-2", to: "CRN-1", 3_001), .overRefund,
                "refund R-2 (xero) of 30.01 GBP is more than the 30.00 GBP still open on CRN-1 (gross 50.00 GBP, 20.00 GBP refunded before)"
            ),
            (
                Sample.refund("R-3", to: "CRN-1", 100, currency: .eur), .currencyMismatch,
                "refund R-3 (xero) is in EUR but credit note CRN-1 is in GBP"
            ),
            (
                Sample.refund("R-4", to: "CRN-404", 100), .unknownCreditNote,
                "credit note CRN-404 is not in the ledger: it was never exported"
            ),
            (Sample.refund("R-5", to: "CRN-1", 0), .invalidValue, "refund R-5 must be for more than 0, not 0.00 GBP"),
        ])
    func refused(refund: RefundApplication, code: LedgerError.Code, message: String) throws {
        for store in stores {
            let (fixture, run) = try ledgerWithCreditNote(store)
            try fixture.ledger.recordRefund(Sample.refund("R-1", to: "CRN-1", 2_000), run: run)
            #expect(throws: LedgerError(code, message)) { try fixture.ledger.recordRefund(refund, run: run) }
            #expect(try fixture.ledger.creditNote(number: "CRN-1")?.applied.minorUnits == 2_000)
        }
    }

    @Test("refunds given to completeRun commit with the run, or not at all", arguments: stores)
    func refundsCommitWithTheRun(store: StoreKind) throws {
        let (fixture, _) = try ledgerWithCreditNote(store)
        let good = Sample.refund("R-1", to: "CRN-1", 2_000)
        let tooMuch = Sample.refund("R-2", to: "CRN-1", 3_500)
        let failing = try fixture.ledger.beginRun(fixture.plan(["kcc-1.csv"], target: "kcc-payments"))
        try fixture.write("kcc-1.csv")
        #expect(throws: LedgerError.self) {
            try fixture.ledger.completeRun(failing, documents: [], refunds: [good, tooMuch])
        }
        #expect(try !fixture.ledger.isRefundApplied(refundID: "R-1", sourceSystem: "xero"))
        try fixture.ledger.abandonRun(failing)
        let run = try fixture.export([], to: "kcc-2.csv", target: "kcc-payments", refunds: [good])
        #expect(try fixture.ledger.appliedRefund(refundID: "R-1", sourceSystem: "xero")?.run == run)
        // A refund cannot be recorded against a run that is not committed.
        #expect(throws: LedgerError.self) {
            try fixture.ledger.recordRefund(Sample.refund("R-3", to: "CRN-1", 1), run: failing)
        }
    }

    @Test("resolutions are all kept, the latest last; a match must name a known credit note", arguments: stores)
    func resolutions(store: StoreKind) throws {
        let (fixture, run) = try ledgerWithCreditNote(store)
        let ledger = fixture.ledger
        try ledger.recordResolution(refundID: "R-7", decision: .ignore, note: "test refund", by: "anna")
        fixture.clock.advance(seconds: 60)
        try ledger.recordResolution(refundID: "R-7", decision: .ignore, note: "test refund", by: "anna")
        try ledger.recordResolution(
            refundID: "R-7", decision: .match(creditNote: "CRN-1"), note: "customer phoned", by: "ben")
        let all = try ledger.resolutions(refundID: "R-7")
        #expect(all.map(\.decision) == [.ignore, .ignore, .match(creditNote: "CRN-1")])
        #expect(all.last?.description == "refund R-7 resolved as match:CRN-1 by ben (\"customer phoned\")")
        #expect(
            throws: LedgerError(.unknownCreditNote, "credit note CRN-9 is not in the ledger: it was never exported")
        ) {
            try ledger.recordResolution(refundID: "R-8", decision: .match(creditNote: "CRN-9"), note: "", by: "anna")
        }
        try ledger.recordRefund(Sample.refund("R-1", to: "CRN-1", 100), run: run)
        let applied = #expect(throws: LedgerError.self) {
            try ledger.recordResolution(refundID: "R-1", decision: .match(creditNote: "CRN-1"), note: "", by: "anna")
        }
        #expect(applied?.code == .refundAlreadyApplied)
        // Ignoring acknowledges a conflict or a reversal of an applied refund: always taken.
        try ledger.recordResolution(refundID: "R-1", decision: .ignore, note: "reversed in KCC", by: "anna")
        #expect(Resolution.Decision(text: "match:CRN-1") == .match(creditNote: "CRN-1"))
        #expect(Resolution.Decision(text: "match:") == nil)
    }

    @Test("processed files are found by content; the same content twice is two records", arguments: stores)
    func processedFiles(store: StoreKind) throws {
        let (fixture, run) = try ledgerWithCreditNote(store)
        let sha = String(repeating: "AB", count: 32)
        #expect(try fixture.ledger.processedFiles(sha256: sha).isEmpty)
        try fixture.ledger.recordProcessedFile(sha256: sha, name: "orders.csv", outcome: .converted, run: run)
        fixture.clock.advance(seconds: 30)
        try fixture.ledger.recordProcessedFile(sha256: sha, name: "orders (1).csv", outcome: .duplicate)
        let found = try fixture.ledger.processedFiles(sha256: sha.lowercased())
        #expect(found.map(\.name) == ["orders.csv", "orders (1).csv"])
        #expect(found.map(\.outcome) == [.converted, .duplicate] && found.map(\.run) == [run, nil])
        #expect(found[0].sha256 == sha.lowercased())
        #expect(throws: LedgerError.self) {
            try fixture.ledger.recordProcessedFile(sha256: "abc", name: "x", outcome: .failed)
        }
        #expect(throws: LedgerError(.unknownRun, "the ledger has no run 42")) {
            try fixture.ledger.recordProcessedFile(sha256: sha, name: "x", outcome: .converted, run: RunID(42))
        }
    }
}
