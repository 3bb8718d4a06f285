import DurableOutput
import KCCModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The crash-safe export protocol: begin (pending, committed at once), write
/// the outputs durably, complete (one transaction) or abandon; after a crash,
/// recover. `schemas/ledger.md` explains why each step is where it is.
extension Ledger {
    /// Step 1: records the run as pending with every output it may create, and
    /// commits at once, before any output is written.
    ///
    /// Fails with ``LedgerError/Code/outputExists`` when a planned output is
    /// already there: outputs are never overwritten, and recovery must never
    /// delete a file the run did not make. Until the run is completed or
    /// abandoned this ledger holds the run's lock, which tells recovery in
    /// other processes that the run is alive.
    package func beginRun(_ plan: ExportPlan) throws(LedgerError) -> RunID {
        let target = try Self.nonEmpty(plan.target, "the target")
        let sha256 = try Self.sha256(plan.inputSHA256)
        let outputs = plan.outputPaths.map(LocalFiles.absolute)
        var planned = Set<String>()
        for path in outputs where !planned.insert(path).inserted {
            throw LedgerError(.invalidValue, "the run plans \(path) twice")
        }
        for path in outputs where LocalFiles.exists(path) { throw Self.outputExists(path) }
        let startedAt = now
        var locked: RunID?
        do {
            let id = try write { db in
                guard
                    let number: Int64 = try db.value(
                        """
                        INSERT INTO export_run (started_at, input_file, input_sha256, target, status, reexport, owner_pid)
                        VALUES (?, ?, ?, ?, 'pending', ?, ?) RETURNING id
                        """, [startedAt.iso8601, plan.inputFile, sha256, target, plan.reexport, getpid()])
                else {
                    throw LedgerError(.database, "the ledger gave the new run no number")
                }
                let id = RunID(number)
                for path in outputs {
                    try db.execute("INSERT INTO export_run_output (run_id, path) VALUES (?, ?)", [id.rawValue, path])
                }
                // Claimed before the run is visible to anyone else, so that
                // recovery, here or in another process, never takes it for a crashed one.
                guard try claim(id) else {
                    throw LedgerError(
                        .database,
                        "the lock of new run \(id) is held by another process; is the ledger \(path) shared with another machine through a file share?"
                    )
                }
                locked = id
                return id
            }
            logger.info(
                "export run begun",
                metadata: [
                    "run": "\(id)", "input": "\(plan.inputFile)", "target": "\(target)", "outputs": "\(outputs.count)",
                ])
            return id
        } catch {
            if let locked { release(locked) }
            throw error
        }
    }

    /// Adds `path` to the planned outputs of the pending run `id`, committed at
    /// once, before the file is created: for a caller that learns its outputs
    /// one at a time. As with ``beginRun(_:)``, the file must not exist yet.
    package func planOutput(_ id: RunID, path: String) throws(LedgerError) {
        let path = LocalFiles.absolute(path)
        guard !LocalFiles.exists(path) else { throw Self.outputExists(path) }
        try write { db in
            _ = try Self.pendingRun(id, in: db, toBe: "given another output")
            try db.execute(
                "INSERT INTO export_run_output (run_id, path) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [id.rawValue, path])
        }
    }

    /// Step 3: records every exported document (and every refund the run's KCC
    /// payment import applies) and marks the run committed, all in one
    /// transaction, which commits once every output is durably in place (by
    /// the time this is called, or, for a step begun early, when `outputs` says
    /// so: ``RunOutputs``).
    ///
    /// Nothing is recorded when it fails; the run stays pending, and the caller
    /// removes its outputs and calls ``abandonRun(_:note:)``. It fails when a
    /// document was exported to the same target by an earlier run and the plan
    /// is not a re-export (``LedgerError/Code/alreadyExported``: two processes
    /// exported the same batch at once), when a document names an output the
    /// run did not plan or that is not on disk, or when a refund breaks a rule
    /// of ``recordRefund(_:run:)``.
    package func completeRun(
        _ id: RunID, documents: [ExportedDocument], refunds: [RefundApplication] = [],
        outcomes: [RefundOutcomeRecord] = []
    ) throws(LedgerError) {
        try completeRun(id, documents: documents) { record in try record(refunds, outcomes) }
    }

    /// The refunds a run applies and the refund outcomes it records, handed to `record` a few thousand at a
    /// time, in file order, all inside the committing transaction: each part is checked against the ledger as
    /// the parts before it left it, exactly as if all came at once, and a run of a million refunds never holds
    /// them all.
    package typealias RefundRecords = (
        _ record: (_ refunds: [RefundApplication], _ outcomes: [RefundOutcomeRecord]) throws -> Void
    ) throws -> Void

    /// ``completeRun(_:documents:refunds:outcomes:)`` with the refunds and outcomes given a part at a time.
    /// `outputs` is asked before each part whether the run's outputs were withdrawn, and, after everything is
    /// recorded, waited for until they are in place, inside the transaction, just before it commits (see
    /// ``RunCompleting``); what it throws rolls the transaction back. The run is marked finished at that moment;
    /// its refunds and outcomes carry the moment the recording began.
    package func completeRun(
        _ id: RunID, documents: [ExportedDocument], refundRecords: RefundRecords,
        outputs: RunOutputs = .inPlace
    ) throws(LedgerError) {
        let documents = try Self.placed(documents)
        let recordedAt = now
        do {
            try recordCompletion(
                id, documents: documents, refundRecords: refundRecords, outputs: outputs, at: recordedAt)
        } catch  where error.code == .commitUnknown {
            // Asked in a write transaction: writers take turns, so the answer comes only once the
            // lost transaction has ended on the server (committed or not), never while it might
            // still commit. No answer: the run is left, files and all, for recovery to settle.
            release(id)
            guard let status = try? write({ db in try Self.fetchRun(id, in: db)?.status }), status == .committed
            else { throw error }
        } catch {
            // A document given now that the target already has, say: which one, once the transaction is undone.
            throw repeated(documents, in: id) ?? error
        }
        release(id)
        logger.info("export run committed", metadata: ["run": "\(id)", "documents": "\(documents.count)"])
    }

    /// Step 3's one transaction.
    private func recordCompletion(
        _ id: RunID, documents: [ExportedDocument], refundRecords: RefundRecords, outputs: RunOutputs,
        at recordedAt: Timestamp
    ) throws(LedgerError) {
        try write { db in
            let run = try Self.pendingRun(id, in: db, toBe: "completed")
            // Documents given now are staged as the run's others were, under the same rules; then every file
            // any of them is in must be on disk.
            try Self.stage(documents, of: run, in: db)
            try Self.checkStagedFiles(run, in: db)
            try refundRecords { refunds, outcomes in
                try outputs.checkWithdrawn()
                try Self.apply(refunds, run: id, at: recordedAt, in: db)
                try Self.remember(outcomes, run: id, at: recordedAt, in: db)
            }
            try outputs.committed()
            // Another kccbridge may be recovering a run whose lock this one lost (PostgreSQL, a dropped connection).
            guard store.stillHolds(.run(id.rawValue)) else {
                throw LedgerError(
                    .unreachable,
                    "the ledger's lock on run \(id) was lost with the connection to the server, so another kccbridge may be recovering it; nothing of it was recorded"
                )
            }
            try db.execute(
                "UPDATE export_run SET status = 'committed', finished_at = ? WHERE id = ?",
                [now.iso8601, id.rawValue])
        }
    }

    /// Step 4 when the outputs could not all be written: marks the run rolled
    /// back. The caller has already removed whatever outputs it had committed.
    ///
    /// Abandoning a rolled-back run does nothing; a committed run cannot be abandoned.
    package func abandonRun(_ id: RunID, note: String? = nil) throws(LedgerError) {
        let finishedAt = now
        let run = try write { db -> ExportRun in
            guard let run = try Self.fetchRun(id, in: db) else { throw Self.unknown(id) }
            switch run.status {
            case .rolledBack:
                return run
            case .committed:
                throw LedgerError(.runNotPending, "run \(id) is committed; a committed run cannot be abandoned")
            case .pending:
                try Self.markRolledBack(id, at: finishedAt, note: "abandoned" + (note.map { ": \($0)" } ?? ""), in: db)
                return run
            }
        }
        release(id)
        logger.notice("export run abandoned", metadata: ["run": "\(id)", "note": "\(note ?? "")"])
        for path in run.outputPaths where LocalFiles.exists(path) {
            logger.warning("an abandoned run's output is still there", metadata: ["run": "\(id)", "file": "\(path)"])
        }
    }

    /// Step 5, at start-up: rolls back every run a crash left pending.
    ///
    /// A pending run whose lock nobody holds was left by a process that is
    /// gone. For each, deletes the planned outputs that exist and their
    /// leftover temporary files, then marks the run rolled back. A planned
    /// output that another run (committed, or still being written) also
    /// planned is kept; one that cannot be deleted keeps the run pending, to be
    /// tried again. Runs still being written by a live process are left alone.
    /// Returns what was done, for the caller to tell the user.
    package func recoverPendingRuns() throws(LedgerError) -> [RecoveredRun] {
        var recovered: [RecoveredRun] = []
        for candidate in try runs(status: .pending) {
            // Claiming it proves its process is gone and keeps other recoveries off it.
            guard try claim(candidate.id) else {
                logger.debug("run is still being written", metadata: ["run": "\(candidate.id)"])
                continue
            }
            defer { release(candidate.id) }
            // It may have been completed between the listing and the lock.
            guard let run = try read({ try Self.fetchRun(candidate.id, in: $0) }), run.status == .pending else {
                continue
            }
            guard let outcome = try undo(run) else { continue }
            recovered.append(outcome)
            // The caller tells the user (a note naming the run and its files); the log keeps the detail.
            logger.info(
                "rolled back a run a crash left pending",
                metadata: [
                    "run": "\(run.id)", "removed": "\(outcome.removedOutputs.count)",
                    "rolledBack": "\(outcome.rolledBack)",
                ])
        }
        return recovered
    }

    /// Deletes a dead run's outputs and marks it rolled back (or leaves it pending if a file will not go).
    ///
    /// All of it is done inside one write transaction, after checking again that
    /// the run is pending: writers take turns, so a run's own process, if it is
    /// in fact alive (a PostgreSQL connection dropped behind its back), either
    /// committed before this looks (and the run is left alone) or finds it
    /// rolled back and commits nothing. Files deleted before a failed commit
    /// leave the run pending, and the next recovery finishes the job.
    private func undo(_ candidate: ExportRun) throws(LedgerError) -> RecoveredRun? {
        let finishedAt = now
        return try write { db -> RecoveredRun? in
            guard let run = try Self.fetchRun(candidate.id, in: db), run.status == .pending else { return nil }
            let claims = try db.rows(
                """
                SELECT o.path, o.run_id, r.status FROM export_run_output o JOIN export_run r ON r.id = o.run_id
                WHERE o.run_id <> ? AND r.status <> 'rolled-back'
                  AND o.path IN (SELECT path FROM export_run_output WHERE run_id = ?)
                """, [run.id.rawValue, run.id.rawValue])
            var claimedBy: [String: String] = [:]
            for row in claims {
                claimedBy[row["path"]] =
                    "also planned by run \(row["run_id"] as Int64), which is \(row["status"] as String)"
            }
            var removed: [String] = []
            var leftovers: [String] = []
            var kept: [RecoveredRun.KeptOutput] = []
            var stuck = false
            for path in run.outputPaths {
                if let reason = claimedBy[path] {
                    kept.append(.init(path: path, reason: reason))
                    continue
                }
                let folder = LocalFiles.folder(of: path)
                leftovers += DurableFile.removeLeftovers(of: path).map { "\(folder)/\($0)" }
                guard LocalFiles.exists(path) else { continue }
                if let problem = LocalFiles.remove(path) {
                    kept.append(.init(path: path, reason: "it cannot be deleted: \(problem)"))
                    stuck = true
                } else {
                    removed.append(path)
                }
            }
            // The deletions reach the disk before the ledger says the run is rolled back.
            var deletedIn: [String: String] = [:]
            for path in removed + leftovers { deletedIn[LocalFiles.folder(of: path)] = path }
            for (folder, path) in deletedIn {
                do throws(OutputError) {
                    try DurableFile.syncFolder(of: path)
                } catch {
                    logger.warning(
                        "a folder could not be flushed after recovery",
                        metadata: ["folder": "\(folder)", "error": "\(error)"])
                }
            }
            if !stuck {
                try Self.markRolledBack(
                    run.id, at: finishedAt, note: "recovered: the run did not finish (process \(run.ownerProcess))",
                    in: db)
            }
            return RecoveredRun(
                run: run, removedOutputs: removed, removedLeftovers: leftovers, keptOutputs: kept, rolledBack: !stuck)
        }
    }

    /// Every run, oldest first, or only those with `status`.
    package func runs(status: ExportRun.Status? = nil) throws(LedgerError) -> [ExportRun] {
        try read { db in
            let rows = try db.rows(
                "SELECT \(Rows.runColumns) FROM export_run WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1 ORDER BY id",
                [status?.rawValue])
            return try rows.map { row in try Rows.run(row, outputs: Self.outputs(of: RunID(row["id"]), in: db)) }
        }
    }

    /// The committed runs that read a file with this content, oldest first:
    /// how a restarted watcher knows which of a file's conversions already happened.
    package func committedRuns(inputSHA256: String) throws(LedgerError) -> [ExportRun] {
        try read { db in
            let rows = try db.rows(
                "SELECT \(Rows.runColumns) FROM export_run WHERE status = 'committed' AND input_sha256 = ? ORDER BY id",
                [inputSHA256])
            return try rows.map { row in try Rows.run(row, outputs: Self.outputs(of: RunID(row["id"]), in: db)) }
        }
    }

    /// One run, or `nil` if there is no such run.
    package func run(_ id: RunID) throws(LedgerError) -> ExportRun? {
        try read { try Self.fetchRun(id, in: $0) }
    }

    // MARK: Helpers

    /// Takes run `id` for this ledger: `false` when this ledger (another
    /// thread) or another process already works on it. The lock excludes other
    /// processes and other ledgers; the set excludes this ledger's other
    /// threads, which the lock does not.
    private func claim(_ id: RunID) throws(LedgerError) -> Bool {
        guard activeRuns.withLock({ $0.insert(id).inserted }) else { return false }
        do {
            if try store.tryLock(.run(id.rawValue)) { return true }
        } catch {
            activeRuns.withLock { _ = $0.remove(id) }
            throw error
        }
        activeRuns.withLock { _ = $0.remove(id) }
        return false
    }

    /// Lets go of run `id` when it is finished, or when recovery is done with it.
    private func release(_ id: RunID) {
        store.unlock(.run(id.rawValue))
        activeRuns.withLock { _ = $0.remove(id) }
    }

    static func fetchRun(_ id: RunID, in db: any LedgerConnection) throws -> ExportRun? {
        guard
            let row = try db.row("SELECT \(Rows.runColumns) FROM export_run WHERE id = ?", [id.rawValue])
        else {
            return nil
        }
        return try Rows.run(row, outputs: outputs(of: id, in: db))
    }

    private static func outputs(of id: RunID, in db: any LedgerConnection) throws -> [String] {
        try db.values("SELECT path FROM export_run_output WHERE run_id = ? ORDER BY id", [id.rawValue])
    }

    static func pendingRun(_ id: RunID, in db: any LedgerConnection, toBe verb: String) throws -> ExportRun {
        guard let run = try fetchRun(id, in: db) else { throw unknown(id) }
        switch run.status {
        case .pending:
            return run
        case .committed:
            throw LedgerError(.runNotPending, "run \(id) cannot be \(verb): it is already committed")
        case .rolledBack:
            throw LedgerError(
                .runNotPending, "run \(id) cannot be \(verb): it was rolled back (\(run.note ?? "no reason recorded"))")
        }
    }

    /// Rolls back `id` if it is still pending.
    private static func markRolledBack(
        _ id: RunID, at time: Timestamp, note: String, in db: any LedgerConnection
    ) throws {
        // What it staged goes with it (only a pending run's documents can be deleted).
        try db.execute(
            "DELETE FROM exported_document WHERE run_id = ? AND run_id IN (SELECT id FROM export_run WHERE status = 'pending')",
            [id.rawValue])
        try db.execute(
            "UPDATE export_run SET status = 'rolled-back', finished_at = ?, note = ? WHERE id = ? AND status = 'pending'",
            [time.iso8601, note, id.rawValue])
    }

    private static func outputExists(_ path: String) -> LedgerError {
        LedgerError(
            .outputExists, "\(path) already exists; it is left as it is (move it away, or choose another output folder)"
        )
    }

    static func unknown(_ id: RunID) -> LedgerError {
        LedgerError(.unknownRun, "the ledger has no run \(id)")
    }

    static func nonEmpty(_ text: String, _ what: String) throws(LedgerError) -> String {
        guard !text.isEmpty else { throw LedgerError(.invalidValue, "\(what) must not be empty") }
        return text
    }

    /// The SHA-256 in lower case, if it is 64 hexadecimal digits.
    static func sha256(_ text: String) throws(LedgerError) -> String {
        let lower = text.lowercased()
        guard lower.utf8.count == 64,
            lower.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw LedgerError(.invalidValue, "'\(text)' is not a SHA-256 (64 hexadecimal digits)")
        }
        return lower
    }
}
