import KCCModel
import Ledger
import Testing

@Suite("Look-ups of many keys at once answer as one key at a time does")
struct BatchLookupTests {
    @Test(
        "applied refunds, credit notes (by number and by order), known orders, outcomes and resolutions, over more keys than one query takes",
        arguments: stores)
    func sameAnswers(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        let run = try fixture.export(
            [
                Sample.invoice("INV-100234"), Sample.credit("CRN-1", gross: 5_000),
                Sample.credit("CRN-2", order: "SO-2", gross: 9_000), Sample.credit("CRN-3", gross: 700, currency: .eur),
            ], to: "x.csv")
        // CRN-2 exported again: the look-ups take its latest export.
        try fixture.export([Sample.credit("CRN-2", order: "SO-2", gross: 9_000)], to: "y.csv", reexport: true)
        try ledger.recordRefund(Sample.refund("R-1", to: "CRN-1", 2_000), run: run)
        try ledger.recordRefund(Sample.refund("R-1", to: "CRN-2", 500, source: "linnworks"), run: run)
        try ledger.recordRefund(Sample.refund("R-2", to: "CRN-2", 1_000), run: run)
        // A source whose name ends in a space, and one id in two spellings (é composed, and e + accent).
        try ledger.recordRefund(Sample.refund("R-6", to: "CRN-1", 100, source: "shop "), run: run)
        try ledger.recordRefund(Sample.refund("R-\u{E9}", to: "CRN-1", 100), run: run)
        try ledger.recordResolution(refundID: "R-3", decision: .ignore, note: "first", by: "anna")
        try ledger.recordResolution(
            refundID: "R-3", sourceSystem: "xero", decision: .match(creditNote: "CRN-1"), note: "then", by: "ben")
        try ledger.recordResolution(refundID: "R-4", sourceSystem: "linnworks", decision: .ignore, note: "", by: "ben")
        try fixture.reconcile([
            Sample.outcome("R-5", "needs-credit-note", reason: "none", line: 2),
            Sample.outcome("R-5", source: "linnworks", "skipped-unmatched-order", reason: "never", line: 3),
        ])

        // Known keys among many unknown ones, repeated, across several queries' worth.
        let filler = (0..<1_200).map { "Z-\($0)" }
        let ids = ["R-1", "R-2", "R-3", "R-4", "R-5", "R-1", "R-6", "R-\u{E9}", "R-e\u{301}"] + filler + ["R-2"]
        let numbers = ["CRN-1", "CRN-2", "CRN-3", "INV-100234", "CRN-404"] + filler + ["CRN-1"]

        let outcomes = try ledger.refundOutcomes(refundIDs: ids)
        for system in ["xero", "linnworks", "shop ", "shop"] {
            let applied = try ledger.appliedRefunds(refundIDs: ids, sourceSystem: system)
            let resolutions = try ledger.resolutions(refundIDs: ids, sourceSystem: system)
            for id in ids {
                #expect(applied[id] == (try ledger.appliedRefundParts(refundID: id, sourceSystem: system)))
                #expect(resolutions[id] == (try ledger.resolutions(refundID: id, sourceSystem: system)))
            }
        }
        for id in ids { #expect(outcomes[id] == (try ledger.refundOutcomes(refundID: id))) }
        #expect(
            try ledger.appliedRefunds(refundIDs: ids, sourceSystem: "xero")["R-1"].map(\.refund.creditNote) == ["CRN-1"]
        )
        #expect(try ledger.resolutions(refundIDs: ids, sourceSystem: "xero")["R-3"].map(\.note) == ["first", "then"])
        #expect(try ledger.resolutions(refundIDs: ids, sourceSystem: "linnworks")["R-3"].map(\.note) == ["first"])
        #expect(outcomes["R-5"].count == 2)
        // Exactly as stored, on both stores: the space kept, the two spellings apart.
        #expect(
            try ledger.appliedRefunds(refundIDs: ids, sourceSystem: "shop ")["R-6"].map(\.refund.sourceSystem) == [
                "shop "
            ])
        #expect(try ledger.appliedRefunds(refundIDs: ids, sourceSystem: "shop ")["R-6"].count == 1)
        #expect(try ledger.appliedRefunds(refundIDs: ids, sourceSystem: "xero")["R-\u{E9}"].count == 1)
        #expect(try ledger.appliedRefunds(refundIDs: ids, sourceSystem: "xero")["R-e\u{301}"].isEmpty)

        let notes = try ledger.creditNotes(numbers: numbers)
        for number in numbers {
            #expect(notes[number].first == (try ledger.creditNote(number: number)))
            #expect(notes[number].count <= 1)
        }
        #expect(Set(notes.keys) == ["CRN-1", "CRN-2", "CRN-3"])
        #expect(notes["CRN-2"].first?.applied.minorUnits == 1_500)

        // SO-51877: an invoice and two credit notes; SO-2: a credit note alone (exported twice), so not known.
        let orders = ["SO-51877", "SO-2", "SO-404", "so-2"] + filler + ["SO-2"]
        let byOrder = try ledger.creditNotes(orderNumbers: orders)
        let known = try ledger.knownOrders(orders)
        for order in orders {
            #expect(byOrder[order] == (try ledger.creditNotes(orderNumber: order)))
            #expect(!known[order].isEmpty == (try ledger.isOrderKnown(order)))
        }
        #expect(byOrder["SO-51877"].map(\.number) == ["CRN-1", "CRN-3"])
        #expect(byOrder["SO-2"].map(\.number) == ["CRN-2"])
        #expect(Set(known.keys) == ["SO-51877"])

        let byNote = try ledger.appliedRefunds(creditNotes: numbers)
        for number in numbers {
            #expect(byNote[number] == (try ledger.appliedRefunds(creditNote: number)))
        }
        #expect(try ledger.appliedRefunds(refundIDs: [], sourceSystem: "xero").isEmpty)
    }

    @Test("keys sort by their bytes, as SQLite orders text: not as Swift compares strings")
    func byteOrder() {
        let texts = ["b", "a", "ab", "", "Z", "\u{E9}", "e\u{301}", "e", "R-10", "R-9", "a\u{0}"]
        let sorted = texts.map(ByteKey.init).sorted { $0.bytesPrecede($1) }.map(\.text)
        #expect(sorted == texts.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        // Swift puts é (composed) and e + accent together; by bytes, e + accent comes first.
        #expect(ByteKey("e\u{301}").bytesPrecede(ByteKey("\u{E9}")))
        #expect(!ByteKey("a").bytesPrecede(ByteKey("a")))
    }

    @Test(
        "credit notes of an amount within a week: one pass over them answers as the search of every document does",
        arguments: stores)
    func amounts(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        func day(_ day: Int) -> CalendarDate { CalendarDate(validYear: 2026, month: 11, day: day) }
        func credit(_ number: String, _ gross: Int64, _ currency: Currency = .gbp, on date: Int) -> ExportedDocument {
            var note = Sample.credit(number, gross: gross, currency: currency)
            note.date = day(date)
            return note
        }
        try fixture.export(
            [
                credit("CRN-1", 5_000, on: 1), credit("CRN-2", 5_000, on: 8), credit("CRN-3", 5_000, .eur, on: 8),
                credit("CRN-4", 700, on: 15), credit("CRN-5", 5_000, on: 22),
            ], to: "x.csv")
        // CRN-4 exported again for 50.00: it is found by its latest export, after the others.
        try fixture.export([credit("CRN-4", 5_000, on: 15)], to: "y.csv", reexport: true)
        let amounts = try ledger.creditNoteAmounts()
        for gross in [Int64(5_000), 700, 1] {
            for currency in [Currency.gbp, .eur] {
                let money = Money(minorUnits: gross, currency: currency)
                for date in 1...30 {
                    let (from, through) = (day(date).adding(days: -7), day(date).adding(days: 7))
                    #expect(
                        amounts.numbers(amount: money, from: from, through: through)
                            == (try ledger.creditNotes(amount: money, from: from, through: through).map(\.number)))
                }
            }
        }
        let fifty = Money(minorUnits: 5_000, currency: .gbp)
        #expect(amounts.numbers(amount: fifty, from: day(1), through: day(30)) == ["CRN-1", "CRN-2", "CRN-5", "CRN-4"])
        #expect(amounts.numbers(amount: Money(minorUnits: 700, currency: .gbp), from: day(1), through: day(30)).isEmpty)
        // The window's ends count, as BETWEEN counts them.
        #expect(amounts.numbers(amount: fifty, from: day(8), through: day(8)) == ["CRN-2"])
    }
}
