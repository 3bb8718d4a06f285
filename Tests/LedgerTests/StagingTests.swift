import Foundation
import KCCModel
import KCCTestSupport
import Ledger
import Testing

@Suite("Documents staged where they stay, counted once the run commits (migration v6)")
struct StagingTests {
    /// Begins a run for `file`, writes it, and stages `documents` in it in two parts (the first alone).
    func staged(
        _ fixture: LedgerFixture, _ documents: [ExportedDocument], file: String, reexport: Bool = false
    ) throws -> RunID {
        let id = try fixture.ledger.beginRun(fixture.plan([file], reexport: reexport))
        try stage(fixture, id, documents, file: file)
        return id
    }

    func stage(_ fixture: LedgerFixture, _ id: RunID, _ documents: [ExportedDocument], file: String) throws {
        if !FileManager.default.fileExists(atPath: fixture.output(file)) { try fixture.write(file) }
        let placed = documents.map {
            var d = $0
            d.outputFile = fixture.output(file)
            return d
        }
        try fixture.ledger.stageDocuments(id, Array(placed.prefix(1)))
        try fixture.ledger.stageDocuments(id, Array(placed.dropFirst()))
    }

    /// What every reading of exported documents says about `number` (a credit note of order `order`).
    func seen(_ ledger: Ledger, credit number: String, order: String) throws -> [String] {
        var seen: [String] = []
        if !(try ledger.documents(number: number)).isEmpty { seen.append("documents(number:)") }
        if !(try ledger.documents(orderNumber: order)).isEmpty { seen.append("documents(orderNumber:)") }
        if !(try ledger.list()).isEmpty { seen.append("list") }
        var walked = 0
        try ledger.forEachDocument { _ in walked += 1 }
        if walked > 0 { seen.append("forEachDocument") }
        var exports = 0
        try ledger.forEachExport(to: "xero-csv") { _, _ in exports += 1 }
        if exports > 0 { seen.append("forEachExport") }
        if !(try ledger.priorExports(number: number, kind: .credit, target: "xero-csv")).isEmpty {
            seen.append("priorExports")
        }
        if try ledger.creditNote(number: number) != nil { seen.append("creditNote(number:)") }
        if !(try ledger.creditNotes(orderNumber: order)).isEmpty { seen.append("creditNotes(orderNumber:)") }
        if !(try ledger.creditNotes(orderNumbers: [order])[order]).isEmpty { seen.append("creditNotes(orderNumbers:)") }
        if !(try ledger.creditNoteNumbers()).isEmpty { seen.append("creditNoteNumbers") }
        let amount = Money(minorUnits: 5_000, currency: .gbp)
        if !(try ledger.creditNotes(amount: amount, from: Sample.day, through: Sample.day)).isEmpty {
            seen.append("creditNotes(amount:)")
        }
        if !(try ledger.creditNoteAmounts().numbers(amount: amount, from: Sample.day, through: Sample.day)).isEmpty {
            seen.append("creditNoteAmounts")
        }
        if try ledger.isOrderKnown(order) { seen.append("isOrderKnown") }
        if !(try ledger.knownOrders([order])[order]).isEmpty { seen.append("knownOrders") }
        return seen
    }

    static let readings = [
        "documents(number:)", "documents(orderNumber:)", "list", "forEachDocument", "forEachExport", "priorExports",
        "creditNote(number:)", "creditNotes(orderNumber:)", "creditNotes(orderNumbers:)", "creditNoteNumbers",
        "creditNotes(amount:)", "creditNoteAmounts", "isOrderKnown", "knownOrders",
    ]

    @Test(
        "staged documents count only once the run commits: no reading of the ledger sees them before",
        arguments: stores)
    func commit(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let id = try staged(
            fixture, [Sample.invoice("INV-1", order: "SO-1"), Sample.credit("CRN-1", order: "SO-1")], file: "a.csv")
        #expect(try seen(fixture.ledger, credit: "CRN-1", order: "SO-1") == [])
        // Another process reading the same ledger sees nothing of them either.
        #expect(try seen(try fixture.reopen(), credit: "CRN-1", order: "SO-1") == [])
        try fixture.ledger.completeRun(id, documents: [])
        #expect(try seen(fixture.ledger, credit: "CRN-1", order: "SO-1") == Self.readings)
        #expect(try fixture.ledger.documents(number: "INV-1").map(\.run) == [id])
        #expect(try fixture.ledger.creditNote(number: "CRN-1")?.gross.amountText == "50.00")
    }

    @Test("a re-export not yet committed leaves the credit note as last committed", arguments: stores)
    func pendingReexport(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        try fixture.export([Sample.credit("CRN-1", order: "SO-1", gross: 5_000)], to: "a.csv")
        let again = try staged(
            fixture, [Sample.credit("CRN-1", order: "SO-1", gross: 7_000)], file: "b.csv", reexport: true)
        #expect(try fixture.ledger.creditNote(number: "CRN-1")?.gross.amountText == "50.00")
        #expect(try fixture.ledger.creditNotes(orderNumbers: ["SO-1"])["SO-1"].map(\.gross.amountText) == ["50.00"])
        try fixture.ledger.completeRun(again, documents: [])
        #expect(try fixture.ledger.creditNote(number: "CRN-1")?.gross.amountText == "70.00")
    }

    @Test("a rolled-back run, or one a crash left and recovery rolled back, drops what it staged", arguments: stores)
    func abandon(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let id = try staged(fixture, [Sample.invoice("INV-1")], file: "a.csv")
        try fixture.ledger.abandonRun(id)
        #expect(try fixture.ledger.documents(number: "INV-1").isEmpty)
        // The number is free again: nothing of the rolled-back run holds it.
        try fixture.ledger.completeRun(try staged(fixture, [Sample.invoice("INV-1")], file: "b.csv"), documents: [])
        #expect(try fixture.ledger.documents(number: "INV-1").map(\.occurrence) == [1])
        if store == .sqlite {
            #expect(try RawSQLite.strings(fixture.path, "SELECT COUNT(*) FROM exported_document") == ["1"])
        }
    }

    @Test(
        "the same rules as documents given at completion, kept as they are staged: no second export unless re-exporting, which counts occurrences",
        arguments: stores)
    func rules(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        try fixture.ledger.completeRun(try staged(fixture, [Sample.invoice("INV-1")], file: "a.csv"), documents: [])
        let again = try fixture.ledger.beginRun(fixture.plan(["b.csv"]))
        let error = #expect(throws: LedgerError.self) {
            try stage(fixture, again, [Sample.invoice("INV-9"), Sample.invoice("INV-1")], file: "b.csv")
        }
        #expect(error?.code == .alreadyExported)
        #expect(error?.message.contains("not a re-export, so nothing of it was recorded") == true)
        // The part that failed left nothing; the part before it is the run's until it is rolled back.
        try fixture.ledger.abandonRun(again)
        let twice = try fixture.ledger.beginRun(fixture.plan(["c.csv"]))
        let repeated = #expect(throws: LedgerError.self) {
            try stage(fixture, twice, [Sample.invoice("INV-2"), Sample.invoice("INV-2")], file: "c.csv")
        }
        #expect(repeated?.code == .invalidValue)
        #expect(repeated?.message.contains("invoice INV-2 is more than once among run") == true)
        let within = #expect(throws: LedgerError.self) {
            try stage(
                fixture, twice, [Sample.invoice("INV-3"), Sample.invoice("INV-5"), Sample.invoice("INV-5")],
                file: "c.csv")
        }
        #expect(within?.message.contains("invoice INV-5 is more than once among run") == true)
        try fixture.ledger.abandonRun(twice)
        #expect(try fixture.ledger.documents(number: "INV-2").isEmpty)
        let reexport = try staged(
            fixture, [Sample.invoice("INV-1"), Sample.invoice("INV-1")], file: "d.csv", reexport: true)
        try fixture.ledger.completeRun(
            reexport,
            documents: [Sample.invoice("INV-1")].map {
                var d = $0
                d.outputFile = fixture.output("d.csv")
                return d
            })
        #expect(try fixture.ledger.documents(number: "INV-1").map(\.occurrence) == [1, 2, 3, 4])
        let kinds = try staged(fixture, [Sample.invoice("INV-4"), Sample.credit("INV-4")], file: "f.csv")
        try fixture.ledger.completeRun(kinds, documents: [])
        #expect(try fixture.ledger.documents(number: "INV-4").map(\.occurrence) == [1, 1])
    }

    @Test("a number another run is exporting, not yet committed, is refused and named", arguments: stores)
    func concurrent(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let first = try staged(fixture, [Sample.invoice("INV-1")], file: "a.csv")
        let second = try fixture.ledger.beginRun(fixture.plan(["b.csv"]))
        let error = #expect(throws: LedgerError.self) {
            try stage(fixture, second, [Sample.invoice("INV-1")], file: "b.csv")
        }
        #expect(error?.code == .alreadyExported)
        #expect(
            error?.message.contains("INV-1 is being exported to xero-csv by run \(first), which has not committed")
                == true)
        // A re-export of it waits for the first run as well, rather than count past a copy that may be rolled back.
        let reexport = try fixture.ledger.beginRun(fixture.plan(["c.csv"], reexport: true))
        let waiting = #expect(throws: LedgerError.self) {
            try stage(fixture, reexport, [Sample.invoice("INV-1")], file: "c.csv")
        }
        #expect(waiting?.message.contains("by run \(first), which has not committed") == true)
        try fixture.ledger.abandonRun(first)
        try fixture.ledger.abandonRun(reexport)
        let after = try staged(fixture, [Sample.invoice("INV-1")], file: "d.csv", reexport: true)
        try fixture.ledger.completeRun(after, documents: [])
        #expect(try fixture.ledger.documents(number: "INV-1").map(\.occurrence) == [1])
    }

    @Test("a document naming an output the run did not plan is refused as it is staged")
    func unplanned() throws {
        let fixture = try LedgerFixture()
        let id = try fixture.ledger.beginRun(fixture.plan(["a.csv"]))
        var document = Sample.invoice("INV-1")
        document.outputFile = fixture.output("elsewhere.csv")
        let error = #expect(throws: LedgerError.self) { try fixture.ledger.stageDocuments(id, [document]) }
        #expect(error?.code == .unplannedOutput)
    }
}
