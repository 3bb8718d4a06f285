import Dispatch
import DurableOutput
import Synchronization

/// What a run (a conversion, a reconciliation) asks of the ledger around its
/// durable writes: one protocol for both, keyed by ``RunID``.
///
/// Order of a run: ``begin(_:)``; for each output, ``willWrite(_:path:)``
/// before it is created; the outputs are made durable; then the run's own
/// completing step records what it did in one transaction. A crash before that
/// transaction commits leaves a pending run whose files the next start removes;
/// a failure calls ``abandon(_:)``. ``perform(_:simulate:failpoints:_:completing:)``
/// is that order, written once.
package protocol RunJournal: AnyObject {
    func begin(_ plan: ExportPlan) throws -> RunID
    func willWrite(_ run: RunID, path: String) throws
    /// The run wrote nothing after all.
    func abandon(_ run: RunID) throws
}

/// A run's completing step: it records what the run did inside its one transaction, and calls
/// `outputsCommitted` last, just before that transaction commits. `outputsCommitted` returns once every
/// output of the run is durable and throws when they are not (they were withdrawn); so the step may do its
/// work while the outputs are still being written, and the run is still never recorded without them.
package typealias RunCompleting = (_ run: RunID, _ outputsCommitted: () throws -> Void) throws -> Void

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
        } completing: { run, outputsCommitted in
            try outputsCommitted()
            try complete(run)
        }
    }

    /// ``perform(_:simulate:failpoints:_:complete:)`` whose completing step may begin before the outputs are
    /// committed: once `body` has created every output, it may call its third argument, and `complete` then
    /// runs on a thread of its own while `body` writes the outputs and they are committed. Its transaction
    /// stays open until `outputsCommitted` says they are in place, so a crash at any moment before leaves the
    /// run pending as before, and a failure of either side withdraws the outputs and abandons the run. Called
    /// by nothing, `complete` runs on this thread after the outputs are committed.
    ///
    /// Nothing else may ask the ledger to write from the moment the completing step begins until it ends:
    /// its transaction holds the ledger's writing to itself.
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
/// begun); the caller only hands over whether the outputs were committed (through `gate`, before signalling it)
/// and reads the step's failure after it has ended (`done`).
private final class RunCompletion: @unchecked Sendable {
    private let run: RunID
    private let complete: RunCompleting
    private let gate = DispatchSemaphore(value: 0)
    private let done = DispatchGroup()
    private let outputsInPlace = Mutex(false)
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
            do {
                try complete(run) {
                    gate.wait()
                    guard outputsInPlace.withLock({ $0 }) else { throw OutputsWithdrawn() }
                }
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
            if outputsCommitted { try complete(run) {} }
            return
        }
        outputsInPlace.withLock { $0 = outputsCommitted }
        gate.signal()
        done.wait()
        if outputsCommitted, let error = failure.withLock({ $0 }) { throw error }
    }
}

/// Thrown to a completing step begun early whose run's outputs were withdrawn: its transaction is not committed.
private struct OutputsWithdrawn: Error, CustomStringConvertible {
    var description: String { "the run's outputs were withdrawn, so nothing of it is recorded" }
}
