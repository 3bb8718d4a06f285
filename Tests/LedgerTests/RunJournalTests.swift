import DurableOutput
import KCCTestSupport
import Ledger
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
