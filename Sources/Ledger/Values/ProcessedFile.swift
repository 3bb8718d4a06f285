/// A file the watcher took from an inbox, recorded by its content so that the
/// same content dropped again is not converted twice.
package struct ProcessedFile: Sendable, Hashable {
    /// What became of the file.
    package struct Outcome: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        package var rawValue: String

        package init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// Converted into outputs (an export batch).
        package static let converted = Outcome(rawValue: "converted")
        /// Reconciled (a refund file).
        package static let reconciled = Outcome(rawValue: "reconciled")
        /// Moved to `failed/` with an error note.
        package static let failed = Outcome(rawValue: "failed")
        /// Its content had been processed before; archived without converting.
        package static let duplicate = Outcome(rawValue: "duplicate")

        package var description: String { rawValue }
    }

    /// The content's SHA-256, 64 lower-case hexadecimal digits.
    package var sha256: String
    /// The file's name as it was dropped.
    package var name: String
    package var outcome: Outcome
    /// The run that converted it, if any.
    package var run: RunID?
    package var processedAt: Timestamp

    package init(sha256: String, name: String, outcome: Outcome, run: RunID?, processedAt: Timestamp) {
        self.sha256 = sha256
        self.name = name
        self.outcome = outcome
        self.run = run
        self.processedAt = processedAt
    }
}
