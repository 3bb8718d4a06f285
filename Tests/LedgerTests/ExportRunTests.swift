import KCCModel
import KCCTestSupport
import Ledger
import Testing

@Suite("Export runs: begin, complete, abandon, and documents never sent twice")
struct ExportRunTests {
    @Test("a run is pending with its planned outputs, then committed with its documents in one step", arguments: stores)
    func beginAndComplete(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        let id = try ledger.beginRun(fixture.plan(["x.csv", "x-report.html"]))
        let pending = try #require(try ledger.run(id))
        #expect(pending.status == .pending)
        #expect(pending.outputPaths == [fixture.output("x.csv"), fixture.output("x-report.html")])
        #expect(pending.startedAt == fixture.clock.now && pending.finishedAt == nil)
        #expect(try ledger.documents(number: "INV-1").isEmpty)

        try fixture.write("x.csv")
        fixture.clock.advance(seconds: 5)
        var invoice = Sample.invoice("INV-1")
        invoice.outputFile = fixture.output("x.csv")
        var payment = ExportedDocument(
            kind: .payment, number: "PAY-88812", orderNumber: "SO-51877", relatedInvoice: "INV-1",
            customerCode: "C-10442",
            customerName: "Jane Smith", date: Sample.day, gross: Money(minorUnits: 12_000, currency: .gbp),
            outputFile: "", outputIndex: 3
        )
        payment.outputFile = fixture.output("x.csv")
        try ledger.completeRun(id, documents: [invoice, payment])

        let committed = try #require(try ledger.run(id))
        #expect(committed.status == .committed && committed.finishedAt == fixture.clock.now)
        let recorded = try ledger.documents(orderNumber: "SO-51877")
        #expect(recorded.map(\.document) == [invoice, payment])
        #expect(
            recorded.allSatisfy {
                $0.run == id && $0.target == "xero-csv" && $0.occurrence == 1 && $0.exportedAt == fixture.clock.now
            })
        #expect(fixture.log.entries.map(\.message.description).contains("export run committed"))
    }

    @Test(
        "an abandoned run records nothing; it cannot be completed afterwards; abandoning twice is harmless",
        arguments: stores)
    func abandon(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        let id = try ledger.beginRun(fixture.plan(["x.csv"]))
        try ledger.abandonRun(id, note: "disk full")
        try ledger.abandonRun(id)
        let run = try #require(try ledger.run(id))
        #expect(run.status == .rolledBack && run.note == "abandoned: disk full")
        try fixture.write("x.csv")
        var invoice = Sample.invoice("INV-1")
        invoice.outputFile = fixture.output("x.csv")
        let error = #expect(throws: LedgerError.self) { try ledger.completeRun(id, documents: [invoice]) }
        #expect(error?.code == .runNotPending)
        #expect(error?.description == "run \(id) cannot be completed: it was rolled back (abandoned: disk full)")
        #expect(try ledger.documents(number: "INV-1").isEmpty)
    }

    @Test("a committed run cannot be abandoned, and an unknown run is named as such", arguments: stores)
    func committedStays(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let id = try fixture.export([Sample.invoice("INV-1")], to: "x.csv")
        #expect(throws: LedgerError(.runNotPending, "run \(id) is committed; a committed run cannot be abandoned")) {
            try fixture.ledger.abandonRun(id)
        }
        #expect(throws: LedgerError(.unknownRun, "the ledger has no run 99")) {
            try fixture.ledger.abandonRun(RunID(99))
        }
    }

    @Test("outputs are never overwritten, and documents must be in planned outputs that exist", arguments: stores)
    func outputsChecked(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        try fixture.write("taken.csv")
        let taken = #expect(throws: LedgerError.self) { try ledger.beginRun(fixture.plan(["taken.csv"])) }
        #expect(taken?.code == .outputExists)
        #expect(try ledger.runs().isEmpty)

        let id = try ledger.beginRun(fixture.plan(["x.csv"]))
        var invoice = Sample.invoice("INV-1")
        invoice.outputFile = fixture.output("x.csv")
        let missing = #expect(throws: LedgerError.self) { try ledger.completeRun(id, documents: [invoice]) }
        #expect(missing?.code == .missingOutput)
        invoice.outputFile = fixture.output("taken.csv")
        let unplanned = #expect(throws: LedgerError.self) { try ledger.completeRun(id, documents: [invoice]) }
        #expect(unplanned?.code == .unplannedOutput)
        #expect(try ledger.run(id)?.status == .pending)
        #expect(throws: LedgerError.self) {
            try ledger.beginRun(ExportPlan(inputFile: "b.csv", inputSHA256: "abc", target: "xero-csv", outputPaths: []))
        }
    }

    @Test("a document already exported to the target is found, with the sentence that holds it back", arguments: stores)
    func priorExports(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        let first = try fixture.export([Sample.invoice("INV-100234")], to: "x.csv")
        let prior = try ledger.priorExports(number: "INV-100234", kind: .invoice, target: "xero-csv")
        #expect(prior.map(\.run) == [first])
        #expect(
            prior.first?.description
                == "INV-100234 was already exported to xero-csv on 2026-11-20 in run \(first), file \(fixture.output("x.csv"))"
        )
        #expect(try ledger.priorExports(number: "INV-100234", kind: .invoice, target: "qbo-xml").isEmpty)
        #expect(try ledger.priorExports(number: "INV-100234", kind: .credit, target: "xero-csv").isEmpty)
        // Another target is another export.
        try fixture.export([Sample.invoice("INV-100234")], to: "q.xml", target: "qbo-xml")
    }

    @Test("exporting the same number again without --reexport records nothing of the run", arguments: stores)
    func duplicateRefused(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let first = try fixture.export([Sample.invoice("INV-100234")], to: "x.csv")
        let id = try fixture.ledger.beginRun(fixture.plan(["y.csv"]))
        try fixture.write("y.csv")
        var again = [Sample.invoice("INV-2"), Sample.invoice("INV-100234")]
        for index in again.indices { again[index].outputFile = fixture.output("y.csv") }
        let error = #expect(throws: LedgerError.self) { try fixture.ledger.completeRun(id, documents: again) }
        #expect(error?.code == .alreadyExported)
        #expect(
            error?.description.hasPrefix("INV-100234 was already exported to xero-csv on 2026-11-20 in run \(first)")
                == true)
        #expect(try fixture.ledger.documents(number: "INV-2").isEmpty)
        #expect(try fixture.ledger.run(id)?.status == .pending)
    }

    @Test("with --reexport each repeat is a new occurrence; identical documents are never merged", arguments: stores)
    func reexportOccurrences(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let first = try fixture.export([Sample.invoice("INV-1")], to: "a.csv")
        let second = try fixture.export([Sample.invoice("INV-1")], to: "b.csv", reexport: true)
        let third = try fixture.export(
            [Sample.invoice("INV-1", at: 2), Sample.invoice("INV-1", at: 2)], to: "c.csv", reexport: true)
        let recorded = try fixture.ledger.documents(number: "INV-1")
        #expect(recorded.map(\.occurrence) == [1, 2, 3, 4])
        #expect(recorded.map(\.run) == [first, second, third, third])
        #expect(
            try fixture.ledger.priorExports(number: "INV-1", kind: .invoice, target: "xero-csv").map(\.occurrence) == [
                1, 2, 3, 4,
            ])
        // Without --reexport, the same number twice in one run is refused, not merged.
        let id = try fixture.ledger.beginRun(fixture.plan(["d.csv"]))
        try fixture.write("d.csv")
        let twice = [Sample.invoice("INV-9"), Sample.invoice("INV-9")].map {
            var d = $0
            d.outputFile = fixture.output("d.csv")
            return d
        }
        #expect(throws: LedgerError(.invalidValue, "invoice INV-9 is more than once among run \(id)'s documents")) {
            try fixture.ledger.completeRun(id, documents: twice)
        }
    }

    @Test("list filters by kind, sales order and day; ordered as exported", arguments: stores)
    func list(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        try fixture.export(
            [Sample.invoice("INV-1", order: "SO-1"), Sample.credit("CRN-1", order: "SO-1")], to: "a.csv")
        fixture.clock.advance(seconds: 2 * 86_400)
        try fixture.export([Sample.invoice("INV-2", order: "SO-2")], to: "b.csv")
        let ledger = fixture.ledger
        #expect(try ledger.list().map(\.document.number) == ["INV-1", "CRN-1", "INV-2"])
        #expect(try ledger.list(kind: .invoice).map(\.document.number) == ["INV-1", "INV-2"])
        #expect(try ledger.list(order: "SO-1").map(\.document.number) == ["INV-1", "CRN-1"])
        #expect(
            try ledger.list(since: CalendarDate(year: 2026, month: 11, day: 21)).map(\.document.number) == ["INV-2"])
        #expect(try ledger.list(kind: .credit, order: "SO-2").isEmpty)
    }
}
