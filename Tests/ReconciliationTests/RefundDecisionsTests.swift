import Foundation
import KCCModel
import Ledger
import Testing

@testable import Reconciliation

/// The decisions of a refund file are kept in a temporary file; what is read back must be what was decided.
@Suite("Decisions kept in a temporary file come back as they were decided")
struct RefundDecisionsTests {
    private static func money(_ minor: Int64, _ currency: Currency = .gbp) -> Money {
        Money(minorUnits: minor, currency: currency)
    }

    /// Every field set, in every shape it takes.
    private static func decisions() -> [RefundDecision] {
        let at = SourceLocation(file: "refunds/ünïcode €.csv", line: 70_000, column: 3)
        var full = Refund(
            system: "linnworks/uk shop", location: at, id: "R-\u{1F600}-7",
            date: CalendarDate(year: 2026, month: 2, day: 28), amount: money(-12_345, Currency(code: "JPY") ?? .gbp),
            creditNote: "CRN-1", orderNumber: "SO-1", reference: "refund of CRN-1; \"quoted\"\nnext line",
            method: "card", customer: "Zoë O'Brien",
            problems: [
                Finding(.error, at: at, field: "Amount", document: "R-7", "the amount cannot be read"),
                Finding(.warning, at: SourceLocation(file: "x"), "a warning with no line"),
            ])
        full.isVoided = true
        let applied = AppliedRefund(
            refund: RefundApplication(
                refundID: "R-0", sourceSystem: "xero", creditNote: "CRN-1", amount: money(500),
                date: CalendarDate(year: 2025, month: 12, day: 31)),
            run: RunID(41), appliedAt: Timestamp(millisecondsSinceEpoch: 1_764_000_000_123))
        var first = RefundDecision(
            refund: full, outcome: .ambiguous, reason: "two credit notes", evidence: ["a", "", "c"],
            creditNote: "CRN-1", orderNumber: "SO-1")
        first.customerName = "Zoë"
        first.candidates = ["CRN-1", "CRN-2"]
        first.suggestions = ["credit note CRN-11 differs by one character"]
        first.steps = [
            .fixSourceFile, .copyOrderAsCreditNote(order: nil), .copyOrderAsCreditNote(order: "SO-1"),
            .match(refundID: "R-7", creditNote: nil), .match(refundID: "R-7", creditNote: "CRN-2"),
            .ignore(refundID: "R-7"), .reverseInKCC(refundID: "R-7"), .checkSource(refundID: "R-7", system: "xero"),
        ]
        first.parts = [
            CreditNotePart(creditNote: "CRN-1", amount: money(100)),
            CreditNotePart(creditNote: "CRN-2", amount: money(1)),
        ]
        first.resolution = Resolution(
            refundID: "R-7", sourceSystem: nil,
            decision: .split([CreditNotePart(creditNote: "CRN-1", amount: money(Int64.max))]), note: "by phone",
            decidedBy: "anna", decidedAt: Timestamp(millisecondsSinceEpoch: -5))
        first.recorded = false
        first.earlier = [applied, applied]
        first.earlierCount = 1_234

        var matched = first
        matched.outcome = .matched
        matched.resolution = Resolution(
            refundID: "R-7", sourceSystem: "csv", decision: .match(creditNote: "CRN-9"), note: "", decidedBy: "b",
            decidedAt: Timestamp(millisecondsSinceEpoch: 0))
        var ignored = first
        ignored.resolution = Resolution(
            refundID: "", sourceSystem: "", decision: .ignore, note: "n", decidedBy: "c",
            decidedAt: Timestamp(millisecondsSinceEpoch: Int64.min))
        // The plainest: nothing optional given.
        let bare = RefundDecision(
            refund: Refund(system: "", location: SourceLocation(file: ""), id: ""), outcome: .invalid, reason: "",
            evidence: [], creditNote: nil, orderNumber: nil)
        return [first, matched, ignored, bare]
    }

    /// `count` decisions, the kinds of ``decisions()`` in turn, refunds `R-0`, `R-1` …
    private static func numbered(_ count: Int) -> [RefundDecision] {
        let samples = decisions()
        return (0..<count).map { index in
            var decision = samples[index % samples.count]
            decision.refund.id = "R-\(index)"
            return decision
        }
    }

    @Test("every field of every kind of decision, in order")
    func everyField() throws {
        let writer = try RefundDecisions.Writer()
        for decision in Self.decisions() { try writer.append(decision) }
        let kept = try writer.finish()
        #expect(kept.count == 4)
        #expect(try kept.all() == Self.decisions())
        // Read again: each pass starts from the first.
        #expect(try kept.all() == Self.decisions())
    }

    @Test("many decisions, and one larger than a block, across the blocks they are read in; passes at once")
    func manyAndLarge() throws {
        let writer = try RefundDecisions.Writer()
        var expected = Self.numbered(3_000)
        expected[1_499].reason = String(repeating: "wide ", count: 200_000)
        for decision in expected { try writer.append(decision) }
        let kept = try writer.finish()
        #expect(kept.count == 3_000)
        // A pass inside another, as the report's two tables and the output threads read it.
        let (outer, inner) = try kept.read { outer in
            var outerRead: [RefundDecision] = []
            var innerRead: [RefundDecision] = []
            for (index, decision) in outer.enumerated() {
                outerRead.append(decision)
                if index == 2_000 { innerRead = try kept.all() }
            }
            return (outerRead, innerRead)
        }
        #expect(outer == expected)
        #expect(inner == expected)
    }

    /// Reads `decisions` whole on a thread of its own (not a task's: the pass blocks while it waits for more).
    private final class Follower: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<[RefundDecision], any Error>?

        init(_ decisions: RefundDecisions) {
            Thread { [self] in
                result = Result { try decisions.all() }
                done.signal()
            }.start()
        }

        func wait() throws -> [RefundDecision] {
            done.wait()
            return try result?.get() ?? []
        }
    }

    /// The ledger's transaction reads the decisions on a thread of its own while they are made.
    @Test("followed while written, on another thread: every decision, in order, ending with the last")
    func followedWhileWritten() throws {
        let writer = try RefundDecisions.Writer()
        let followed = try writer.following()
        let expected = Self.numbered(4_000)
        let follower = Follower(followed)
        // Halfway, the follower is given time to read what was handed on so far, and to wait for the rest.
        for (index, decision) in expected.enumerated() {
            try writer.append(decision)
            if index == 2_000 { usleep(50_000) }
        }
        #expect(followed.count < 4_000, "only whole blocks are handed on before the end")
        let kept = try writer.finish()
        #expect(try follower.wait() == expected)
        #expect(followed.count == 4_000)
        #expect(try kept.all() == expected)
        // Once finished, a new pass over what followed reads them all again.
        #expect(try followed.all() == expected)
    }

    @Test(
        "followed while written: a writer that gives up, or goes unfinished, fails the pass instead of leaving it waiting",
        arguments: [true, false])
    func followedWriterGivesUp(abandoned: Bool) throws {
        var writer: RefundDecisions.Writer? = try RefundDecisions.Writer()
        let followed = try #require(try writer?.following())
        for decision in Self.decisions() { try writer?.append(decision) }
        let follower = Follower(followed)
        usleep(20_000)
        if abandoned { writer?.abandon() } else { writer = nil }
        #expect(throws: ReconcileRefusal.self) { try follower.wait() }
        withExtendedLifetime(writer) {}
    }

    @Test("a pass limited to some kinds gives those, in order, and passes over the rest")
    func onlySomeKinds() throws {
        let outcomes: [RefundOutcome] = [
            .matched, .duplicate, .skippedUnmatchedOrder, .partial, .overRefund, .conflict,
        ]
        let writer = try RefundDecisions.Writer()
        for (index, outcome) in outcomes.enumerated() {
            try writer.append(
                RefundDecision(
                    refund: Refund(
                        system: "csv", location: SourceLocation(file: "r.csv", line: index + 2), id: "R\(index)"),
                    outcome: outcome, reason: "", evidence: [], creditNote: nil, orderNumber: nil))
        }
        let kept = try writer.finish()
        #expect(try kept.read(only: .applied) { $0.map(\.outcome) } == [.matched, .partial])
        #expect(
            try kept.read(only: [.needingPerson, .duplicate]) { $0.map(\.outcome) } == [
                .duplicate, .skippedUnmatchedOrder, .overRefund, .conflict,
            ])
        #expect(try kept.read(only: []) { Array($0) }.isEmpty)
        #expect(try kept.read { $0.map(\.refund.id) } == (0..<6).map { "R\($0)" })
    }

    @Test("the report names the first ten refunds earlier runs applied to a credit note, then says how many more")
    func earlierRefundsNamedUpToTen() throws {
        let writer = try RefundDecisions.Writer()
        var decision = Self.decisions()[1]
        decision.earlier = (0..<RefundDecision.earlierShown).map { index in
            AppliedRefund(
                refund: RefundApplication(
                    refundID: "E-\(index)", sourceSystem: "xero", creditNote: "CRN-1", amount: Self.money(1)),
                run: RunID(3), appliedAt: Timestamp(millisecondsSinceEpoch: 0))
        }
        decision.earlierCount = 2_000
        try writer.append(decision)
        var summary = ReconciliationSummary()
        summary.add(decision)
        var page = ""
        try HTMLReport.render(
            try writer.finish(), summary: summary,
            context: HTMLReport.Context(
                input: "r.csv", inputLink: "r.csv", paymentImports: [], ledger: nil, created: "2026-12-01T00:00:00Z",
                timeZone: .gmt), commands: ResolveCommands()
        ) { page += String(decoding: $0, as: UTF8.self) }
        #expect(page.contains("E-9 (xero) 0.01 GBP, run 3; and 1990 more (kccbridge ledger export --table refunds"))
        #expect(!page.contains("E-10"))
    }

    @Test("no decisions")
    func none() throws {
        #expect(try RefundDecisions.none.all().isEmpty)
        #expect(RefundDecisions.none.count == 0)
        let kept = try RefundDecisions.Writer().finish()
        #expect(try kept.all().isEmpty)
    }
}
