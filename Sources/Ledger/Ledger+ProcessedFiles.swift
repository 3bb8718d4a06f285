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
