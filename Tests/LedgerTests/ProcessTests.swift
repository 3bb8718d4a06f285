import Foundation
import KCCTestSupport
import Ledger
import Testing

@Suite("Real processes on one ledger: two at once, a busy ledger, kill -9")
struct ProcessTests {
    @Test("two processes writing to one new ledger at once both succeed, and the file is sound")
    func twoAtOnce() throws {
        let folder = TestFiles.makeFolder()
        let path = folder + "/ledger.sqlite"
        let a = try LedgerStress(["write", path, folder, "A", "15", "40"])
        let b = try LedgerStress(["write", path, folder, "B", "15", "40"])
        let (statusA, outputA) = a.finish()
        let (statusB, outputB) = b.finish()
        #expect(statusA == 0, "\(outputA)")
        #expect(statusB == 0, "\(outputB)")
        let ledger = try Ledger(path: path, logger: quiet)
        #expect(try ledger.checkIntegrity().isEmpty)
        #expect(try ledger.runs(status: .committed).count == 30)
        #expect(try ledger.list().count == 1200)
        #expect(try ledger.list(kind: .credit).count == 300)
    }

    @Test("while another process holds the ledger, a writer waits its timeout, then says another kccbridge is using it")
    func busy() throws {
        let fixture = try LedgerFixture()
        let holder = try LedgerStress(["hold", fixture.path, "3"])
        #expect(holder.waitForLine(startingWith: "holding") != nil)
        let impatient = try fixture.reopen(busyTimeout: .milliseconds(300))
        let started = Date()
        let error = #expect(throws: LedgerError.self) { try impatient.beginRun(fixture.plan(["x.csv"])) }
        let waited = Date().timeIntervalSince(started)
        #expect(error?.code == .busy)
        #expect(
            error?.description
                == "another kccbridge is using the ledger \(fixture.path) and did not finish within 0.3 s; try again when it has finished"
        )
        #expect(waited >= 0.25 && waited < 2.5)
        holder.kill()
        // Once it has gone, the ledger is usable and sound.
        let id = try impatient.beginRun(fixture.plan(["x.csv"]))
        try impatient.abandonRun(id)
        #expect(try fixture.ledger.checkIntegrity().isEmpty)
    }

    @Test("a writer that waits less than its timeout goes on as soon as the other has finished")
    func waits() throws {
        let fixture = try LedgerFixture()
        let holder = try LedgerStress(["hold", fixture.path, "1"])
        #expect(holder.waitForLine(startingWith: "holding") != nil)
        let started = Date()
        let id = try fixture.ledger.beginRun(fixture.plan(["x.csv"]))
        #expect(Date().timeIntervalSince(started) >= 0.5)
        #expect(try fixture.ledger.run(id)?.status == .pending)
        #expect(holder.finish().status == 0)
    }

    @Test("kill -9 between beginRun and completeRun: the file stays sound and recovery removes what the run wrote")
    func killBetweenSteps() throws {
        let folder = TestFiles.makeFolder()
        let path = folder + "/ledger.sqlite"
        let crashing = try LedgerStress(["crash", path, folder, "K"])
        let ready = try #require(crashing.waitForLine(startingWith: "ready "))
        #expect(TestFiles.names(in: folder).contains { $0.hasPrefix(".K-half.csv.kccbridge-tmp-") })
        crashing.kill()

        let ledger = try Ledger(path: path, logger: quiet)
        #expect(try ledger.checkIntegrity().isEmpty)
        let recovered = try ledger.recoverPendingRuns()
        #expect(recovered.map { "ready \($0.run.id)" } == [ready])
        #expect(recovered.first?.removedOutputs == [folder + "/K-whole.csv"])
        #expect(recovered.first?.removedLeftovers.count == 1)
        #expect(
            TestFiles.names(in: folder) == [
                "ledger.sqlite", "ledger.sqlite-shm", "ledger.sqlite-wal", "ledger.sqlite.lock",
            ])
        #expect(try ledger.runs(status: .pending).isEmpty)
    }

    @Test(
        "kill -9 in the middle of a stream of runs: the ledger agrees with the files on disk after recovery",
        arguments: [0.0, 0.05, 0.2])
    func killWhileWriting(after seconds: Double) throws {
        let folder = TestFiles.makeFolder()
        let path = folder + "/state/ledger.sqlite"
        let writer = try LedgerStress(["write", path, folder, "W", "100000", "200"])
        #expect(writer.waitForLine(startingWith: "committed first") != nil)
        Thread.sleep(forTimeInterval: seconds)
        writer.kill()

        let ledger = try Ledger(path: path, logger: quiet)
        #expect(try ledger.checkIntegrity().isEmpty)
        _ = try ledger.recoverPendingRuns()
        #expect(try ledger.runs(status: .pending).isEmpty)
        // Every committed run's output is on disk, every file on disk belongs to a committed run, and no temporary is left.
        let committed = try ledger.runs(status: .committed)
        #expect(!committed.isEmpty)
        let expected = Set(committed.flatMap(\.outputPaths))
        let onDisk = Set(TestFiles.names(in: folder).filter { $0 != "state" }.map { folder + "/" + $0 })
        #expect(onDisk == expected)
        #expect(try ledger.list().count == committed.count * 200)
        #expect(try Set(ledger.list().map(\.document.outputFile)) == expected)
    }
}
