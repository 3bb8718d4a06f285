/// One export run as the ledger recorded it.
package struct ExportRun: Sendable, Hashable {
    /// Where a run is in the crash-safe protocol.
    package enum Status: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Begun; its outputs may be partly written. Recovery rolls it back if its process is gone.
        case pending
        /// Its outputs are written and its documents recorded.
        case committed
        /// Abandoned or recovered: its outputs were removed and nothing of it counts.
        case rolledBack = "rolled-back"

        package var description: String { rawValue }
    }

    package var id: RunID
    package var status: Status
    package var startedAt: Timestamp
    /// When it was committed or rolled back.
    package var finishedAt: Timestamp?
    package var inputFile: String
    package var inputSHA256: String
    package var target: String
    package var reexport: Bool
    /// Absolute paths, in the order they were planned.
    package var outputPaths: [String]
    /// The process that began it (for messages; liveness is decided by a lock, not by this number).
    package var ownerProcess: Int32
    /// Why it was rolled back, when it was.
    package var note: String?

    package init(
        id: RunID, status: Status, startedAt: Timestamp, finishedAt: Timestamp?, inputFile: String, inputSHA256: String,
        target: String, reexport: Bool, outputPaths: [String], ownerProcess: Int32, note: String?
    ) {
        self.id = id
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.inputFile = inputFile
        self.inputSHA256 = inputSHA256
        self.target = target
        self.reexport = reexport
        self.outputPaths = outputPaths
        self.ownerProcess = ownerProcess
        self.note = note
    }
}
