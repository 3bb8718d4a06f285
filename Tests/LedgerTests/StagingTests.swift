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
        let twice = try staged(fixture, [Sample.invoice("INV-2"), Sample.invoice("INV-2")], file: "c.csv")
        #expect(throws: LedgerError.self) { try fixture.ledger.completeRun(twice, documents: []) }
        let reexport = try staged(fixture, [Sample.invoice("INV-1")], file: "d.csv", reexport: true)
        try fixture.ledger.completeRun(reexport, documents: [])
        #expect(try fixture.ledger.documents(number: "INV-1").map(\.occurrence) == [1, 2])
    }
}
