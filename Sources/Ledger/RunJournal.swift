import DurableOutput

/// What a run (a conversion, a reconciliation) asks of the ledger around its
/// durable writes: one protocol for both, keyed by ``RunID``.
///
/// Order of a run: ``begin(_:)``; for each output, ``willWrite(_:path:)``
/// before it is created; the outputs are made durable; then the run's own
/// completing step records what it did in one transaction. A crash before that
/// leaves a pending run whose files the next start removes; a failure calls
/// ``abandon(_:)``. ``perform(_:simulate:failpoints:_:complete:)`` is that
/// order, written once.
package protocol RunJournal: AnyObject {
    func begin(_ plan: ExportPlan) throws -> RunID
    func willWrite(_ run: RunID, path: String) throws
    /// The run wrote nothing after all.
    func abandon(_ run: RunID) throws
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
        _ body: (RunID?, OutputTransaction) throws -> Result, complete: (RunID) throws -> Void
    ) throws -> Result {
        if simulate { return try body(nil, OutputTransaction(simulated: true)) }
        let run = try begin(plan)
        let outputs = OutputTransaction { [unowned self] path in try self.willWrite(run, path: path) }
        do {
            let result = try body(run, outputs)
            Failpoint.hit("\(failpoints):before-outputs")
            try outputs.commit()
            Failpoint.hit("\(failpoints):after-outputs")
            try complete(run)
            return result
        } catch let error as LedgerError where error.code == .commitUnknown {
            // The ledger may have recorded the run: its outputs stay, as after a crash, and the
            // next recovery settles it (keeps them if the run committed, removes them if not).
            throw error
        } catch {
            // Whatever was already in place goes too: the ledger will not know it.
            outputs.withdraw()
            try? abandon(run)
            throw error
        }
    }
}
