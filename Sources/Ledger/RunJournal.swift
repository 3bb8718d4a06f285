import Dispatch
import DurableOutput
import Synchronization

/// What a run (a conversion, a reconciliation) asks of the ledger around its
/// durable writes: one protocol for both, keyed by ``RunID``.
///
/// Order of a run: ``begin(_:)``; for each output, ``willWrite(_:path:)``
/// before it is created; the outputs are made durable; and the run's own
/// completing step records what it did in one transaction, which commits only
/// after that (it may do its work while the outputs are written). A crash before
/// that transaction commits leaves a pending run whose files the next start
/// removes; a failure calls ``abandon(_:)``.
/// ``perform(_:simulate:failpoints:_:completing:)`` is that order, written once.
package protocol RunJournal: AnyObject {
    func begin(_ plan: ExportPlan) throws -> RunID
    func willWrite(_ run: RunID, path: String) throws
    /// The run wrote nothing after all.
    func abandon(_ run: RunID) throws
}

/// A run's completing step: it records what the run did inside its one transaction, and asks `outputs`
/// whether it may go on (``RunOutputs``); so it may do its work while the outputs are still being written,
/// and the run is still never recorded without them.
package typealias RunCompleting = (_ run: RunID, _ outputs: RunOutputs) throws -> Void

/// What a completing step is told of its run's outputs.
package struct RunOutputs {
    /// Returns once every output is durable; throws when they were withdrawn. Called last, just before the
    /// step's transaction commits.
    package var committed: () throws -> Void
    /// Throws at once when the outputs were withdrawn (a failure, Ctrl-C), so the step stops its work and rolls
    /// back instead of finishing first; called now and then as it works.
    package var checkWithdrawn: () throws -> Void

    package init(committed: @escaping () throws -> Void, checkWithdrawn: @escaping () throws -> Void) {
        self.committed = committed
        self.checkWithdrawn = checkWithdrawn
    }

    /// Outputs already in place (a step run after they were committed).
    package static var inPlace: RunOutputs { RunOutputs(committed: {}, checkWithdrawn: {}) }
}

extension RunJournal {
    /// Runs `body` as one journaled run: begun, every output created through
    /// the transaction (each planned first), all committed, then `complete`.
    /// On any failure every output is withdrawn, the run abandoned and the
    /// error rethrown. With `simulate`, nothing is begun, written or recorded,
    /// and the body runs against a simulated transaction (a pre-check).
    /// `failpoints` names the crash-test points around the commit
    /// (`<name>:before-outputs`, `<name>:after-outputs`).
    package func perform<Result>(
        _ plan: ExportPlan, simulate: Bool = false, failpoints: String,
        _ body: (RunID?, OutputTransaction) throws -> Result, complete: @escaping (RunID) throws -> Void
    ) throws -> Result {
        try perform(plan, simulate: simulate, failpoints: failpoints) { run, outputs, _ in
            try body(run, outputs)
        } completing: { run, outputs in
            try outputs.committed()
            try complete(run)
        }
    }

    /// ``perform(_:simulate:failpoints:_:complete:)`` whose completing step may begin before the outputs are
    /// committed: once `body` has created every output, it may call its third argument, and `complete` then
    /// runs on a thread of its own while `body` writes the outputs and they are committed. Its transaction
    /// stays open until ``RunOutputs/committed`` says they are in place, so a crash at any moment before leaves
    /// the run pending as before, and a failure of either side withdraws the outputs and abandons the run (the
    /// step, told by ``RunOutputs/checkWithdrawn``, stops its work first). Called by nothing, `complete` runs on
    /// this thread after the outputs are committed.
    ///
    /// `body` must not ask the ledger to write once it has begun the completing step: the step's transaction
    /// holds the ledger's writing from its first write until it ends (other writers, in this process or
    /// another, wait for it meanwhile; so, with PostgreSQL, does a server's idle-in-transaction timeout).
    package func perform<Result>(
        _ plan: ExportPlan, simulate: Bool = false, failpoints: String,
        _ body: (_ run: RunID?, _ outputs: OutputTransaction, _ beginCompleting: () -> Void) throws -> Result,
        completing complete: @escaping RunCompleting
    ) throws -> Result {
        if simulate { return try body(nil, OutputTransaction(simulated: true), {}) }
        let run = try begin(plan)
        let outputs = OutputTransaction { [unowned self] path in try self.willWrite(run, path: path) }
        let completion = RunCompletion(run, complete)
        do {
            let result = try body(run, outputs, completion.begin)
            Failpoint.hit("\(failpoints):before-outputs")
            try outputs.commit()
            Failpoint.hit("\(failpoints):after-outputs")
            try completion.finish(outputsCommitted: true)
            return result
        } catch let error as LedgerError where error.code == .commitUnknown {
            // The ledger may have recorded the run: its outputs stay, as after a crash, and the
            // next recovery settles it (keeps them if the run committed, removes them if not).
            // (A completing step that threw it has ended; one never begun is not begun now.)
            try? completion.finish(outputsCommitted: false)
            // Parts being sealed on their own thread are finished before this returns; they stay too.
            outputs.settle()
            throw error
        } catch {
            // The completing step, if begun, gives up first: its transaction ends unrecorded.
            try? completion.finish(outputsCommitted: false)
            // Whatever was already in place goes too: the ledger will not know it.
            outputs.withdraw()
            try? abandon(run)
            throw error
        }
    }
}

/// The completing step of one run: begun early on a thread of its own, or run on the caller's thread once the
/// outputs are committed.
///
/// Unchecked sendability: `complete` runs once, on one thread (the completion's own, or the caller's when never
/// begun); the caller only hands over what became of the outputs (`outputs`, then `gate` signalled) and reads
/// the step's failure after it has ended (`done`).
private final class RunCompletion: @unchecked Sendable {
    private let run: RunID
    private let complete: RunCompleting
    private let gate = DispatchSemaphore(value: 0)
    private let done = DispatchGroup()
    /// `nil` while the outputs are being written; then whether they were committed.
    private let outputs = Mutex<Bool?>(nil)
    private let failure = Mutex<(any Error)?>(nil)
    private var begun = false
    private var finished = false

    init(_ run: RunID, _ complete: @escaping RunCompleting) {
        self.run = run
        self.complete = complete
    }

    /// Starts the completing step on its own thread (once; later calls do nothing).
    func begin() {
        guard !begun, !finished else { return }
        begun = true
        done.enter()
        DispatchQueue(label: "kccbridge.run-completion").async { [self] in
            defer { done.leave() }
            let told = RunOutputs(
                committed: { [self] in
                    gate.wait()
                    // Open for good: asked again, it answers at once.
                    gate.signal()
                    guard outputs.withLock({ $0 }) == true else { throw OutputsWithdrawn() }
                },
                checkWithdrawn: { [self] in
                    if outputs.withLock({ $0 }) == false { throw OutputsWithdrawn() }
                })
            do {
                try complete(run, told)
            } catch {
                failure.withLock { $0 = error }
            }
        }
    }

    /// Tells the completing step whether the outputs are in place and waits for it to end; when they are, its
    /// failure is thrown. Never begun, it is run here (when they are).
    func finish(outputsCommitted: Bool) throws {
        guard !finished else { return }
        finished = true
        guard begun else {
            if outputsCommitted { try complete(run, .inPlace) }
            return
        }
        outputs.withLock { $0 = outputsCommitted }
        gate.signal()
        done.wait()
        if outputsCommitted, let error = failure.withLock({ $0 }) { throw error }
    }
}

/// Thrown to a completing step begun early whose run's outputs were withdrawn: its transaction is not committed.
private struct OutputsWithdrawn: Error, CustomStringConvertible {
    var description: String { "the run's outputs were withdrawn, so nothing of it is recorded" }
}
