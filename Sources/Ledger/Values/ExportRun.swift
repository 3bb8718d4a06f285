/// One export run as the ledger recorded it.
public struct ExportRun: Sendable, Hashable {
    /// Where a run is in the crash-safe protocol.
    public enum Status: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Begun; its outputs may be partly written. Recovery rolls it back if its process is gone.
        case pending
        /// Its outputs are written and its documents recorded.
        case committed
        /// Abandoned or recovered: its outputs were removed and nothing of it counts.
        case rolledBack = "rolled-back"

        public var description: String { rawValue }
    }

    public var id: RunID
    public var status: Status
    public var startedAt: Timestamp
    /// When it was committed or rolled back.
    public var finishedAt: Timestamp?
    public var inputFile: String
    public var inputSHA256: String
    public var target: String
    public var reexport: Bool
    /// Absolute paths, in the order they were planned.
    public var outputPaths: [String]
    /// The process that began it (for messages; liveness is decided by a lock, not by this number).
    public var ownerProcess: Int32
    /// Why it was rolled back, when it was.
    public var note: String?

    public init(
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
