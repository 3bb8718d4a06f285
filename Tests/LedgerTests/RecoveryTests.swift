import DurableOutput
import KCCTestSupport
import Ledger
import Testing

@Suite("Recovery after a crash between beginRun and completeRun")
struct RecoveryTests {
    @Test(
        "a pending run left by a crash loses its outputs and leftovers; committed runs keep theirs", arguments: stores)
    func recoverPending(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let committed = try fixture.export([Sample.invoice("INV-1")], to: "done.csv")
        // The crashed process: began a run, wrote one output whole and one half.
        let crashed: RunID
        do {
            let process = try fixture.reopen()
            crashed = try process.beginRun(fixture.plan(["x.csv", "x-half.csv", "x-never.csv"]))
            try fixture.write("x.csv")
            let half = try DurableFile(path: fixture.output("x-half.csv"))
            try half.write("partial")
            _ = Unmanaged.passRetained(half)  // never committed, never discarded: as a crash leaves it
        }
        #expect(TestFiles.names(in: fixture.folder).filter { $0.contains(".kccbridge-tmp-") }.count == 1)

        let recovered = try fixture.recoverAfterCrash()
        #expect(recovered.count == 1)
        let report = try #require(recovered.first)
        #expect(report.run.id == crashed && report.rolledBack)
        #expect(report.removedOutputs == [fixture.output("x.csv")])
        #expect(
            report.removedLeftovers.count == 1
                && report.removedLeftovers[0].hasPrefix(fixture.folder + "/.x-half.csv.kccbridge-tmp-"))
        #expect(
            report.description.hasPrefix(
                "run \(crashed) (batch-2026-11.csv to xero-csv, started 2026-11-20T09:00:00Z) did not finish: removed \(fixture.output("x.csv")); removed 1 temporary file; rolled back"
            ))
        #expect(TestFiles.names(in: fixture.folder).filter { $0 != "state" } == ["done.csv"])
        #expect(try fixture.ledger.run(crashed)?.status == .rolledBack)
        #expect(try fixture.ledger.run(committed)?.status == .committed)
        #expect(try fixture.ledger.recoverPendingRuns().isEmpty)
        #expect(
            fixture.log.entries.contains {
                $0.level == .info && $0.message.description == "rolled back a run a crash left pending"
            })
    }

    @Test("a run still being written, here or by another open ledger, is left alone", arguments: stores)
    func liveRunsLeftAlone(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let other = try fixture.reopen()
        let theirs = try other.beginRun(fixture.plan(["theirs.csv"]))
        try fixture.write("theirs.csv")
        let mine = try fixture.ledger.beginRun(fixture.plan(["mine.csv"]))
        #expect(try fixture.ledger.recoverPendingRuns().isEmpty)
        #expect(try other.recoverPendingRuns().isEmpty)
        #expect(TestFiles.names(in: fixture.folder).contains("theirs.csv"))
        // The other ledger finishes normally afterwards.
        var invoice = Sample.invoice("INV-1")
        invoice.outputFile = fixture.output("theirs.csv")
        try other.completeRun(theirs, documents: [invoice])
        try fixture.ledger.abandonRun(mine)
        #expect(try fixture.ledger.runs(status: .pending).isEmpty)
    }

    @Test("outputs planned one at a time are recovered like those planned at the start", arguments: stores)
    func plannedLater(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        do {
            let crashed = try fixture.reopen()
            let id = try crashed.beginRun(fixture.plan([]))
            try crashed.planOutput(id, path: fixture.output("late.csv"))
            try fixture.write("late.csv")
            try fixture.write("exists.csv")
            #expect(throws: LedgerError.self) { try crashed.planOutput(id, path: fixture.output("exists.csv")) }
        }
        let report = try #require(try fixture.recoverAfterCrash().first)
        #expect(report.removedOutputs == [fixture.output("late.csv")])
        #expect(TestFiles.names(in: fixture.folder).filter { $0 != "state" } == ["exists.csv"])
        let error = #expect(throws: LedgerError.self) {
            try fixture.ledger.planOutput(report.run.id, path: fixture.output("again.csv"))
        }
        #expect(error?.code == .runNotPending)
    }

    @Test("an output another live run also planned is kept, and said so", arguments: stores)
    func sharedPathKept(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        do {
            let crashed = try fixture.reopen()
            _ = try crashed.beginRun(fixture.plan(["shared.csv"]))
        }
        let live = try fixture.ledger.beginRun(fixture.plan(["shared.csv"]))
        try fixture.write("shared.csv")
        let other = try fixture.reopen()
        let report = try #require(try fixture.recoverAfterCrash(other).first)
        #expect(
            report.keptOutputs == [
                .init(path: fixture.output("shared.csv"), reason: "also planned by run \(live), which is pending")
            ])
        #expect(report.rolledBack)
        #expect(TestFiles.names(in: fixture.folder).contains("shared.csv"))
    }

    @Test(
        "with PostgreSQL, a run whose lock ended with its connection is not committed, and another ledger recovers it")
    func lostLock() throws {
        guard stores.contains(.postgres) else { return }
        let fixture = try LedgerFixture(store: .postgres)
        let id = try fixture.ledger.beginRun(fixture.plan(["x.csv"]))
        try fixture.write("x.csv")
        // Every connection of the ledger dropped, as when the network fails: the server ends its locks.
        try TestPostgres.run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            on: fixture.path)
        var invoice = Sample.invoice("INV-1")
        invoice.outputFile = fixture.output("x.csv")
        #expect(throws: LedgerError.self) { try fixture.ledger.completeRun(id, documents: [invoice]) }
        // Lost, and said so, even once the ledger can talk to the server again.
        #expect(throws: LedgerError.self) { try fixture.ledger.completeRun(id, documents: [invoice]) }
        let other = try fixture.reopen()
        #expect(try other.recoverPendingRuns().map(\.run.id) == [id])
        #expect(try fixture.ledger.run(id)?.status == .rolledBack)
        #expect(try fixture.ledger.documents(number: "INV-1").isEmpty)
    }
}
