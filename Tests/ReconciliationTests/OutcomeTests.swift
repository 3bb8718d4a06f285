import KCCModel
import KCCTestSupport
import Ledger
import Reconciliation
import Testing

private func refund(
    _ id: String, _ amount: String?, creditNote: String? = nil, order: String? = nil, reference: String? = nil,
    currency: Currency = .gbp, customer: String? = nil, problems: [String] = []
) -> Refund {
    Refund(
        system: "csv", location: SourceLocation(file: "r.csv", line: 2), id: id,
        date: CalendarDate(year: 2026, month: 11, day: 12),
        amount: amount.map { try! Money(parsing: $0, currency: currency) }, creditNote: creditNote, orderNumber: order,
        reference: reference, customer: customer,
        problems: problems.map { Finding(.error, at: SourceLocation(file: "r.csv", line: 2), $0) })
}

private func ledger() -> MemoryLedger {
    let ledger = MemoryLedger()
    ledger.add(creditNote: "CRN-1", order: "SO-1", gross: "50.00")
    ledger.add(creditNote: "CRN-2", order: "SO-2", gross: "30.00")
    ledger.add(creditNote: "CRN-3", order: "SO-2", gross: "30.00")
    ledger.add(creditNote: "CRN-4", order: "SO-4", gross: "40.00", currency: .eur)
    ledger.knownOrders.insert("SO-5")  // invoiced, never credited
    return ledger
}

@Suite("Reconciliation: one outcome per refund, as the spec's table")
struct OutcomeTests {
    @Test(
        "every outcome",
        arguments: [
            (refund("R1", "50.00", creditNote: "CRN-1"), RefundOutcome.matched, "CRN-1"),
            (refund("R2", "20.00", creditNote: "CRN-1"), .partial, "CRN-1"),
            (refund("R3", "50.00", order: "SO-1"), .matchedByOrder, "CRN-1"),
            (refund("R4", "50.00", creditNote: "CRN-9", order: "SO-1"), .matchedByOrder, "CRN-1"),
            (refund("R5", "10.00", order: "SO-5"), .needsCreditNote, nil),
            (refund("R6", "10.00", order: "SO-77"), .skippedUnmatchedOrder, nil),
            (refund("R7", "10.00"), .skippedUnmatchedOrder, nil),
            (refund("R8", "60.00", creditNote: "CRN-1"), .overRefund, "CRN-1"),
            (refund("R9", "10.00", order: "SO-2"), .ambiguous, nil),
            (refund("R10", "40.00", creditNote: "CRN-4"), .currencyMismatch, "CRN-4"),
            (refund("R11", nil, creditNote: "CRN-1", problems: ["the amount is missing"]), .invalid, "CRN-1"),
            (refund("R12", "50.00", reference: "Refund for credit note CRN-1, thanks"), .matched, "CRN-1"),
            (refund("R13", "50.00", reference: "order SO-1 returned"), .matchedByOrder, "CRN-1"),
        ] as [(Refund, RefundOutcome, String?)])
    func outcome(refund: Refund, expected: RefundOutcome, creditNote: String?) throws {
        var reconciler = Reconciler(ledger: ledger())
        let decision = try reconciler.decide(refund)!
        #expect(decision.outcome == expected, "\(decision.reason)")
        #expect(decision.creditNote == creditNote)
        #expect(!decision.reason.isEmpty)
        #expect(decision.needsPerson == !expected.isApplied)
        if decision.needsPerson { #expect(ResolveCommands().render(decision.steps).contains("kccbridge resolve")) }
    }

    @Test("ambiguous lists the candidates; an amount that equals one open amount singles it out")
    func ambiguous() throws {
        var reconciler = Reconciler(ledger: ledger())
        #expect(try reconciler.decide(refund("A", "10.00", order: "SO-2"))!.candidates == ["CRN-2", "CRN-3"])
        let l = ledger()
        l.applied["CRN-3"] = try Money(parsing: "20.00", currency: .gbp)
        var single = Reconciler(ledger: l)
        let decision = try single.decide(refund("B", "10.00", order: "SO-2"))!
        #expect(decision.outcome == .matchedByOrder && decision.creditNote == "CRN-3")
    }

    @Test("a control character in the id, or a NUL in another field, makes the refund unusable, shown visibly")
    func controlCharacters() throws {
        var reconciler = Reconciler(ledger: ledger())
        // A NUL would end the id in the ledger (a C string), making it refund R1's: it goes on visibly.
        let id = try reconciler.decide(refund("R1\u{0}x", "50.00", creditNote: "CRN-1"))!
        #expect(id.outcome == .invalid && id.refund.id == "R1\\u{0}x")
        #expect(id.reason.contains("the refund id holds a control character"), "\(id.reason)")
        // Its visible spelling could be another refund's real id: not recorded, mended in the file.
        #expect(!id.recorded && id.steps == [.fixSourceFile])
        let tab = try reconciler.decide(refund("R2\tB", "50.00", creditNote: "CRN-1"))!
        #expect(tab.outcome == .invalid && tab.refund.id == "R2\\u{9}B")
        // A C1 control (U+009B starts a terminal command) is no more an id's than a C0 one.
        let c1 = try reconciler.decide(refund("R5\u{9B}2J", "50.00", creditNote: "CRN-1"))!
        #expect(c1.outcome == .invalid && c1.refund.id == "R5\\u{9B}2J")
        // Looked up as CRN-1 it would be matched there; it is not a credit note the ledger knows.
        let note = try reconciler.decide(refund("R3", "50.00", creditNote: "CRN-1\u{0}9", customer: "A\u{0}"))!
        #expect(note.outcome == .invalid && note.creditNote == "CRN-1\\u{0}9" && note.refund.customer == "A\\u{0}")
        #expect(note.reason.contains("the credit note holds a NUL") && note.reason.contains("the customer holds a NUL"))
        #expect(note.recorded)
        // A tab in free text is not a problem; only a NUL is.
        let plain = try reconciler.decide(refund("R4", "50.00", creditNote: "CRN-1", reference: "a\tb"))!
        #expect(plain.outcome == .matched)
    }

    @Test("a running balance per credit note: later refunds see what earlier ones used")
    func runningBalance() throws {
        var reconciler = Reconciler(ledger: ledger())
        #expect(try reconciler.decide(refund("P1", "20.00", creditNote: "CRN-1"))!.outcome == .partial)
        #expect(try reconciler.decide(refund("P2", "20.00", creditNote: "CRN-1"))!.outcome == .partial)
        #expect(try reconciler.decide(refund("P3", "20.00", creditNote: "CRN-1"))!.outcome == .overRefund)
        #expect(try reconciler.decide(refund("P4", "10.00", creditNote: "CRN-1"))!.outcome == .matched)
        #expect(try reconciler.decide(refund("P1", "20.00", creditNote: "CRN-1"))!.outcome == .duplicate)
    }

    @Test("an id applied in an earlier run is a duplicate; one only seen stays as it was")
    func duplicates() throws {
        let l = ledger()
        l.appliedIDs.insert("csv/R1")
        var reconciler = Reconciler(ledger: l)
        #expect(try reconciler.decide(refund("R1", "50.00", creditNote: "CRN-1"))!.outcome == .duplicate)
        #expect(try reconciler.decide(refund("R6", "10.00", order: "SO-77"))!.outcome == .skippedUnmatchedOrder)
    }

    @Test("seed 001: order 123 refunded but never synced is skipped, not refunded")
    func seed001NeverSyncedOrder() throws {
        var reconciler = Reconciler(ledger: ledger())
        let decision = try reconciler.decide(refund("joe-smith-123", "25.00", order: "123", customer: "Joe Smith"))!
        #expect(decision.outcome == .skippedUnmatchedOrder)
        #expect(decision.reason.contains("never exported"))
        #expect(!decision.outcome.isApplied)
    }

    @Test("a hand decision: match to a credit note applies it; ignore keeps the outcome but no longer needs a person")
    func resolutions() throws {
        let l = ledger()
        let when = Timestamp(CalendarDate(year: 2026, month: 11, day: 21)!)
        l.resolutions["csv/R6"] = Resolution(
            refundID: "R6", decision: .match(creditNote: "CRN-1"), note: "phone call", decidedBy: "ann", decidedAt: when
        )
        l.resolutions["csv/R7"] = Resolution(
            refundID: "R7", decision: .ignore, note: "test refund", decidedBy: "ann", decidedAt: when)
        var reconciler = Reconciler(ledger: l)
        let matched = try reconciler.decide(refund("R6", "10.00", order: "SO-77"))!
        #expect(matched.outcome == .partial && matched.creditNote == "CRN-1" && matched.resolution != nil)
        let ignored = try reconciler.decide(refund("R7", "10.00"))!
        #expect(ignored.outcome == .ignored && !ignored.needsPerson && !ignored.outcome.isApplied)
        // A record that cannot be used, left out by a person: still invalid, no longer waiting for one.
        l.resolutions["csv/R8"] = Resolution(
            refundID: "R8", decision: .ignore, note: "junk row", decidedBy: "ann", decidedAt: when)
        let junk = try reconciler.decide(refund("R8", nil, problems: ["the amount is missing"]))!
        #expect(junk.outcome == .invalid && junk.resolution != nil && !junk.needsPerson)
        // Settled by that choice: no step is offered for it any more.
        #expect(junk.steps.isEmpty && ignored.steps.isEmpty)
        #expect(try reconciler.decide(refund("R9", nil, problems: ["the amount is missing"]))!.needsPerson)
    }

    @Test("near misses are suggested, never applied")
    func suggestions() throws {
        var reconciler = Reconciler(ledger: ledger())
        let typo = try reconciler.decide(refund("T1", "50.00", creditNote: "CRN-l"))!
        #expect(typo.outcome == .skippedUnmatchedOrder)
        #expect(typo.suggestions.contains { $0.contains("CRN-1") && $0.contains("one character") })
        let sameAmount = try reconciler.decide(refund("T2", "50.00", customer: "Jane Smith"))!
        #expect(sameAmount.suggestions.contains { $0.contains("CRN-1") && $0.contains("same customer") })
    }

    @Test("a deleted refund never applied is not a refund; one applied before is a reversal for a person")
    func voided() throws {
        let l = ledger()
        l.appliedIDs.insert("csv/V1")
        var reconciler = Reconciler(ledger: l)
        var never = refund("V0", "10.00", creditNote: "CRN-1")
        never.isVoided = true
        #expect(try reconciler.decide(never) == nil)
        var applied = refund("V1", "10.00", creditNote: "CRN-1")
        applied.isVoided = true
        let reversal = try #require(try reconciler.decide(applied))
        #expect(reversal.outcome == .reversal && reversal.needsPerson && !reversal.outcome.isApplied)
        #expect(ResolveCommands().render(reversal.steps).hasPrefix("in KCC reverse the payment of refund V1"))
        // Acknowledged (the payment was reversed in KCC): still a reversal, with nothing more to do.
        l.resolutions["csv/V1"] = Resolution(
            refundID: "V1", decision: .ignore, note: "reversed in KCC", decidedBy: "ann",
            decidedAt: Timestamp(CalendarDate(year: 2026, month: 11, day: 21)!))
        let acknowledged = try #require(try reconciler.decide(applied))
        #expect(acknowledged.outcome == .reversal && !acknowledged.needsPerson && acknowledged.steps.isEmpty)
    }

    @Test("the same source and id with other money or another date is a conflict with both versions, never a duplicate")
    func conflict() throws {
        let l = ledger()
        l.sightings["csv/1"] = RefundSighting(
            amount: Money(minorUnits: 2_000, currency: .gbp), date: CalendarDate(year: 2026, month: 11, day: 12),
            applied: true,
            context: "applied to CRN-1 in run 3")
        l.appliedIDs.insert("csv/1")
        var reconciler = Reconciler(ledger: l)
        let same = try #require(try reconciler.decide(refund("1", "20.00", creditNote: "CRN-1")))
        #expect(same.outcome == .duplicate)
        let other = try #require(try reconciler.decide(refund("1", "10.00", creditNote: "CRN-1")))
        #expect(other.outcome == .conflict && other.needsPerson && !other.outcome.isApplied)
        #expect(other.reason.contains("20.00 GBP on 2026-11-12") && other.reason.contains("10.00 GBP on 2026-11-12"))
        // Within one file: a second row of the same id with other money.
        var fresh = Reconciler(ledger: ledger())
        #expect(try fresh.decide(refund("7", "5.00", creditNote: "CRN-1"))?.outcome == .partial)
        #expect(try fresh.decide(refund("7", "6.00", creditNote: "CRN-1"))?.outcome == .conflict)
    }

    @Test("a refund a person left out is never applied later, even when it would now match")
    func ignoredStaysOut() throws {
        let l = ledger()
        l.resolutions["csv/I1"] = Resolution(
            refundID: "I1", decision: .ignore, note: "test", decidedBy: "ann",
            decidedAt: Timestamp(CalendarDate(year: 2026, month: 11, day: 21)!))
        var reconciler = Reconciler(ledger: l)
        let decision = try #require(try reconciler.decide(refund("I1", "5.00", creditNote: "CRN-1")))
        #expect(decision.outcome == .ignored && !decision.outcome.isApplied && !decision.needsPerson)
    }

    @Test("a typo is one character changed, added, dropped or two swapped: on bytes as on characters")
    func typos() {
        /// The rule on characters: a common non-ASCII ending changes no answer, and takes the way of characters.
        func byCharacters(_ a: String, _ b: String) -> Bool { Reconciler.isTypo(a + "é", b + "é") }
        let bases = ["CRN-1000", "CRN-1001", "CRN-0100", "A", "", "CRN-É1", "crn-1000", "CRN-10000", "CRN-100"]
        var others = bases
        for base in bases {
            let chars = Array(base)
            for index in chars.indices {
                var changed = chars
                changed[index] = "x"
                var dropped = chars
                dropped.remove(at: index)
                var added = chars
                added.insert("9", at: index)
                others += [String(changed), String(dropped), String(added)]
                if index + 1 < chars.count {
                    var swapped = chars
                    swapped.swapAt(index, index + 1)
                    others.append(String(swapped))
                }
            }
        }
        for a in bases {
            for b in others {
                #expect(Reconciler.isTypo(a, b) == byCharacters(a, b), "\(a) / \(b)")
            }
        }
        #expect(Reconciler.isTypo("CRN-1000", "CRN-1001") && Reconciler.isTypo("CRN-1000", "CRN-0100"))
        #expect(!Reconciler.isTypo("CRN-1000", "CRN-1000") && !Reconciler.isTypo("CRN-1000", "CRN-2001"))
    }
}
