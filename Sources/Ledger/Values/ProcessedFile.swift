/// A file the watcher took from an inbox, recorded by its content so that the
/// same content dropped again is not converted twice.
public struct ProcessedFile: Sendable, Hashable {
    /// What became of the file.
    public struct Outcome: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// Converted into outputs (an export batch).
        public static let converted = Outcome(rawValue: "converted")
        /// Reconciled (a refund file).
        public static let reconciled = Outcome(rawValue: "reconciled")
        /// Moved to `failed/` with an error note.
        public static let failed = Outcome(rawValue: "failed")
        /// Its content had been processed before; archived without converting.
        public static let duplicate = Outcome(rawValue: "duplicate")

        public var description: String { rawValue }
    }

    /// The content's SHA-256, 64 lower-case hexadecimal digits.
    public var sha256: String
    /// The file's name as it was dropped.
    public var name: String
    public var outcome: Outcome
    /// The run that converted it, if any.
    public var run: RunID?
    public var processedAt: Timestamp

    public init(sha256: String, name: String, outcome: Outcome, run: RunID?, processedAt: Timestamp) {
        self.sha256 = sha256
        self.name = name
        self.outcome = outcome
        self.run = run
        self.processedAt = processedAt
    }
}
