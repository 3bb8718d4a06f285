import Foundation
import KCCModel
import KCCTestSupport
import Ledger
import Testing

@Suite("Documents staged on disk until the run commits (migration v3)")
struct StagingTests {
    func staged(
        _ fixture: LedgerFixture, _ documents: [ExportedDocument], file: String, reexport: Bool = false
    ) throws -> RunID {
        let id = try fixture.ledger.beginRun(fixture.plan([file], reexport: reexport))
        try fixture.write(file)
        let placed = documents.map {
            var d = $0
            d.outputFile = fixture.output(file)
            return d
        }
        try fixture.ledger.stageDocuments(id, Array(placed.prefix(1)))
        try fixture.ledger.stageDocuments(id, Array(placed.dropFirst()))
        return id
    }

    @Test("staged documents count only once the run commits")
    func commit() throws {
        let fixture = try LedgerFixture()
        let id = try staged(fixture, [Sample.invoice("INV-1"), Sample.credit("CRN-1")], file: "a.csv")
        #expect(try fixture.ledger.documents(number: "INV-1").isEmpty)
        try fixture.ledger.completeRun(id, documents: [])
        #expect(try fixture.ledger.documents(number: "INV-1").map(\.run) == [id])
        #expect(try fixture.ledger.creditNote(number: "CRN-1")?.gross.amountText == "50.00")
        #expect(try RawSQLite.strings(fixture.path, "SELECT COUNT(*) FROM staged_document") == ["0"])
    }

    @Test(
        "staged and exported documents share their column definitions, CHECK constraints included: the commit copies staged rows without checking them again"
    )
    func sameConstraints() throws {
        let fixture = try LedgerFixture()
        func columns(_ table: String) throws -> [String] {
            let sql = try RawSQLite.strings(
                fixture.path, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '\(table)'")
            return (sql.first ?? "").split(separator: "\n").dropFirst().map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ","))
            }.filter { !$0.isEmpty && $0 != ")" }
        }
        let staged = try columns("staged_document")
        let exported = Set(try columns("exported_document"))
        #expect(staged.count == 13 && staged.contains { $0.contains("CHECK (output_file GLOB '/*')") })
        for column in staged { #expect(exported.contains(column), "exported_document defines it otherwise: \(column)") }
    }

    @Test(
        "CHECK constraints are skipped inside withoutRecheckingConstraints only: the same cached statement checks again after"
    )
    func recheckingAfter() throws {
        let fixture = try LedgerFixture()
        let inserts = try RawSQLite.threeLetterInserts(
            at: fixture.path + ".checks",
            [
                ("TOOLONG", skipping: false), ("SKIPPED", skipping: true), ("TOOLONG", skipping: false),
                ("GBP", skipping: false),
            ])
        #expect(inserts.accepted == [false, true, false, true])
        #expect(inserts.kept == ["SKIPPED", "GBP"])
    }

    @Test("a rolled-back run drops what it staged")
    func abandon() throws {
        let fixture = try LedgerFixture()
        let id = try staged(fixture, [Sample.invoice("INV-1")], file: "a.csv")
        try fixture.ledger.abandonRun(id)
        #expect(try RawSQLite.strings(fixture.path, "SELECT COUNT(*) FROM staged_document") == ["0"])
        #expect(try fixture.ledger.documents(number: "INV-1").isEmpty)
    }

    @Test(
        "the same rules as documents given at completion: no second export unless re-exporting, which counts occurrences",
        arguments: stores)
    func rules(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        try fixture.ledger.completeRun(try staged(fixture, [Sample.invoice("INV-1")], file: "a.csv"), documents: [])
        let again = try staged(fixture, [Sample.invoice("INV-1")], file: "b.csv")
        let error = #expect(throws: LedgerError.self) { try fixture.ledger.completeRun(again, documents: []) }
        #expect(error?.code == .alreadyExported)
        #expect(error?.message.contains("not a re-export, so nothing of it was recorded") == true)
        let twice = try staged(fixture, [Sample.invoice("INV-2"), Sample.invoice("INV-2")], file: "c.csv")
        let repeated = #expect(throws: LedgerError.self) { try fixture.ledger.completeRun(twice, documents: []) }
        #expect(repeated?.code == .invalidValue)
        #expect(repeated?.message.contains("invoice INV-2 is more than once among run") == true)
        #expect(try fixture.ledger.documents(number: "INV-2").isEmpty)
        let reexport = try staged(fixture, [Sample.invoice("INV-1")], file: "d.csv", reexport: true)
        try fixture.ledger.completeRun(reexport, documents: [])
        #expect(try fixture.ledger.documents(number: "INV-1").map(\.occurrence) == [1, 2])
        // A number exported twice before is refused as well; one number as an invoice and a credit note is two.
        let third = try staged(fixture, [Sample.invoice("INV-3"), Sample.invoice("INV-1")], file: "e.csv")
        #expect(throws: LedgerError.self) { try fixture.ledger.completeRun(third, documents: []) }
        #expect(try fixture.ledger.documents(number: "INV-3").isEmpty)
        let kinds = try staged(fixture, [Sample.invoice("INV-4"), Sample.credit("INV-4")], file: "f.csv")
        try fixture.ledger.completeRun(kinds, documents: [])
        #expect(try fixture.ledger.documents(number: "INV-4").map(\.occurrence) == [1, 1])
    }
}
