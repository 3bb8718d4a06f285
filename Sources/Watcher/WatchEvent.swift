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
        /// Taken from the inbox into work/; processing starts.
        case pickedUp = "picked-up"
        /// Not taken: the route's patterns do not match its name.
        case ignored
        /// The watcher started on a route.
        case started
        /// A stop was asked for; the file in hand is finished first.
        case stopping
        /// The watcher stopped.
        case stopped
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
        let timed: Set<Outcome> = [.done, .duplicate, .failed]
        let timing = timed.contains(outcome) ? String(format: " in %.2f s", seconds) : ""
        return "\(file): \(outcome.rawValue): \(detail)\(timing)"
    }
}
