import Dispatch
import DurableOutput
import Foundation
import KCCTestSupport
import Ledger
import Synchronization
import Testing

/// A journal that remembers its calls and can fail its completing step.
private final class RecordingJournal: RunJournal {
    var calls: [String] = []
    func begin(_ plan: ExportPlan) throws -> RunID {
        calls.append("begin \(plan.target)")
        return RunID(7)
    }
    func willWrite(_ run: RunID, path: String) throws { calls.append("plan \(path.split(separator: "/").last ?? "")") }
    func abandon(_ run: RunID) throws { calls.append("abandon \(run)") }
}

private struct LedgerDown: Error {}

@Suite("One run protocol for every run that writes files")
struct RunJournalTests {
    private let plan = ExportPlan(inputFile: "in.csv", inputSHA256: "", target: "test", outputPaths: [])

    @Test("begin, plan each output, commit them all, then complete")
    func inOrder() throws {
        let folder = TestFiles.makeFolder()
        let journal = RecordingJournal()
        var completed: RunID?
        try journal.perform(plan, failpoints: "test") { run, outputs in
            #expect(run == RunID(7))
            try outputs.create(folder + "/out.csv")?.write("x\n")
        } complete: { run in
            #expect(TestFiles.names(in: folder) == ["out.csv"], "outputs are in place before the run is recorded")
            completed = run
        }
        #expect(journal.calls == ["begin test", "plan out.csv"] && completed == RunID(7))
    }

    @Test("when the ledger cannot record the run, the outputs already in place are withdrawn and the run abandoned")
    func completeFails() {
        let folder = TestFiles.makeFolder()
        let journal = RecordingJournal()
        #expect(throws: LedgerDown.self) {
            try journal.perform(plan, failpoints: "test") { _, outputs in
                try outputs.create(folder + "/out.csv")?.write("x\n")
            } complete: { _ in
                throw LedgerDown()
            }
        }
        #expect(TestFiles.names(in: folder).isEmpty && journal.calls.last == "abandon 7")
    }

    @Test(
        "a completing step begun early does its work while the outputs are written, and commits once they are in place")
    func completingEarly() throws {
        let folder = TestFiles.makeFolder()
        let journal = RecordingJournal()
        let events = Mutex<[String]>([])
        let working = DispatchSemaphore(value: 0)
        try journal.perform(plan, failpoints: "test") { _, outputs, beginCompleting in
            let file = try outputs.create(folder + "/out.csv")
            beginCompleting()
            // The completing step records what it has while this side has written nothing yet.
            #expect(working.wait(timeout: .now() + 30) == .success)
            events.withLock { $0.append("writing") }
            try file?.write("x\n")
        } completing: { run, outputs in
            events.withLock { $0.append("recorded run \(run)") }
            working.signal()
            try outputs.committed()
            events.withLock { $0.append("committed with \(TestFiles.names(in: folder))") }
        }
        #expect(events.withLock { $0 } == ["recorded run 7", "writing", "committed with [\"out.csv\"]"])
        #expect(journal.calls == ["begin test", "plan out.csv"])
    }

    @Test(
        "outputs that fail after the completing step began: it is told so, ends unrecorded, then the run is abandoned")
    func outputsFailWhileCompleting() {
        let folder = TestFiles.makeFolder()
        let journal = RecordingJournal()
        let told = Mutex<String?>(nil)
        #expect(throws: LedgerDown.self) {
            try journal.perform(plan, failpoints: "test") { _, outputs, beginCompleting in
                try outputs.create(folder + "/out.csv")?.write("x\n")
                beginCompleting()
                throw LedgerDown()
            } completing: { _, outputs in
                do {
                    try outputs.committed()
                    told.withLock { $0 = "committed" }
                } catch {
                    told.withLock { $0 = "\(error)" }
                    throw error
                }
            }
        }
        #expect(told.withLock { $0 } == "the run's outputs were withdrawn, so nothing of it is recorded")
        #expect(TestFiles.names(in: folder).isEmpty && journal.calls.last == "abandon 7")
    }

    @Test(
        "a completing step begun early that fails: the outputs, committed meanwhile, are withdrawn and the run abandoned"
    )
    func completingFailsEarly() {
        let folder = TestFiles.makeFolder()
        let journal = RecordingJournal()
        #expect(throws: LedgerDown.self) {
            try journal.perform(plan, failpoints: "test") { _, outputs, beginCompleting in
                let file = try outputs.create(folder + "/out.csv")
                beginCompleting()
                try file?.write("x\n")
            } completing: { _, _ in
                throw LedgerDown()
            }
        }
        #expect(TestFiles.names(in: folder).isEmpty && journal.calls.last == "abandon 7")
    }

    @Test("outputs withdrawn while the completing step still works: it is told at its next check and stops there")
    func withdrawnWhileWorking() {
        let folder = TestFiles.makeFolder()
        let journal = RecordingJournal()
        let working = DispatchSemaphore(value: 0)
        let checks = Mutex(0)
        let start = ContinuousClock.now
        #expect(throws: LedgerDown.self) {
            try journal.perform(plan, failpoints: "test") { _, outputs, beginCompleting in
                try outputs.create(folder + "/out.csv")?.write("x\n")
                beginCompleting()
                #expect(working.wait(timeout: .now() + 30) == .success)
                throw LedgerDown()
            } completing: { _, outputs in
                working.signal()
                // A long piece of work, checking as it goes: without the check it would take 30 s.
                for _ in 0..<3_000 {
                    checks.withLock { $0 += 1 }
                    try outputs.checkWithdrawn()
                    Thread.sleep(forTimeInterval: 0.01)
                }
                try outputs.committed()
            }
        }
        #expect(ContinuousClock.now - start < .seconds(10), "the step stopped at a check, not at its end")
        #expect(checks.withLock { $0 } < 3_000)
        #expect(TestFiles.names(in: folder).isEmpty && journal.calls.last == "abandon 7")
    }

    @Test("a simulation begins nothing, plans nothing, writes nothing")
    func simulate() throws {
        let folder = TestFiles.makeFolder()
        let journal = RecordingJournal()
        try journal.perform(plan, simulate: true, failpoints: "test") { run, outputs in
            #expect(run == nil && outputs.simulated)
            _ = try outputs.create(folder + "/out.csv")
        } complete: { _ in
            Issue.record("a simulation was completed")
        }
        #expect(journal.calls.isEmpty && TestFiles.names(in: folder).isEmpty)
    }
}
