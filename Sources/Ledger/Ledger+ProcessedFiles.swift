/// The watcher's memory of file contents it has processed.
extension Ledger {
    /// Records that a file with content `sha256` was processed, and how.
    /// Every record is kept: the same content dropped twice is two records.
    @discardableResult
    package func recordProcessedFile(
        sha256: String, name: String, outcome: ProcessedFile.Outcome, run: RunID? = nil
    ) throws(LedgerError) -> ProcessedFile {
        let file = ProcessedFile(
            sha256: try Self.sha256(sha256), name: name, outcome: outcome, run: run, processedAt: now
        )
        _ = try Self.nonEmpty(outcome.rawValue, "the outcome")
        try write { db in
            if let run, try Self.fetchRun(run, in: db) == nil { throw Self.unknown(run) }
            try db.execute(
                "INSERT INTO processed_file (sha256, name, outcome, run_id, processed_at) VALUES (?, ?, ?, ?, ?)",
                [file.sha256, name, outcome.rawValue, run?.rawValue, file.processedAt.iso8601])
        }
        return file
    }

    /// Every time content `sha256` was processed, oldest first; empty when never.
    package func processedFiles(sha256: String) throws(LedgerError) -> [ProcessedFile] {
        let sha256 = try Self.sha256(sha256)
        return try read { db in
            try db.rows(
                "SELECT sha256, name, outcome, run_id, processed_at FROM processed_file WHERE sha256 = ? ORDER BY id",
                [sha256]
            ).map { row in
                let name: String = row["name"]
                let run: Int64? = row["run_id"]
                return ProcessedFile(
                    sha256: row["sha256"], name: name, outcome: .init(rawValue: row["outcome"]),
                    run: run.map(RunID.init),
                    processedAt: try Rows.timestamp(row["processed_at"], of: "processed file \(name)")
                )
            }
        }
    }
}

/// Claims of files: whoever holds a file's claim works on it. A claim is a
/// lock of the ledger, so it ends when its holder lets go or dies — a
/// process killed, or (with PostgreSQL) a machine gone — and another
/// watcher of the same route then takes the file over.
extension Ledger {
    /// Takes the claim named `key` (a file's path) if nobody holds it; `false` when someone does.
    package func claim(file key: String) throws(LedgerError) -> Bool {
        try store.tryLock(.claim(key))
    }

    /// `true` while this ledger still holds the claim named `key` (with
    /// PostgreSQL, a claim ends if the connection holding it drops).
    package func holds(file key: String) -> Bool {
        store.stillHolds(.claim(key))
    }

    /// Lets go of the claim named `key`.
    package func release(file key: String) {
        store.unlock(.claim(key))
    }

    /// `true` when the ledger is a database several machines share (PostgreSQL),
    /// so that several watchers may serve one route.
    package var isShared: Bool { store is PostgresStore }
}

extension Ledger {
    /// Asks the database a trivial question: throws (``LedgerError/Code/unreachable``
    /// for a server that does not answer) when the ledger cannot be used just now.
    package func probe() throws(LedgerError) {
        _ = try read { db -> Int64? in try db.value("SELECT 1") }
    }
}
