import Foundation

/// One line of the watcher's log: a file and what became of it.
package struct WatchEvent: Sendable, Hashable, CustomStringConvertible {
    package enum Outcome: String, Sendable, Hashable {
        /// Converted (or reconciled); the problems, if any, are listed in `out/`.
        case done
        /// The same content was processed before; archived, not processed again.
        case duplicate
        /// Could not be processed; moved to `failed/` with an `.error.txt`.
        case failed
        /// Something the watcher did on start-up to put a crash right.
        case recovered
        /// Not taken yet: it may still be being written.
        case waiting
    }

    package var file: String
    package var outcome: Outcome
    package var detail: String
    package var seconds: Double

    package init(file: String, outcome: Outcome, detail: String, seconds: Double = 0) {
        self.file = file
        self.outcome = outcome
        self.detail = detail
        self.seconds = seconds
    }

    package var description: String {
        let timing = outcome == .recovered || outcome == .waiting ? "" : String(format: " in %.2f s", seconds)
        return "\(file): \(outcome.rawValue): \(detail)\(timing)"
    }
}
