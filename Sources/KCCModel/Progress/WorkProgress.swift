/// Watches a long piece of work: told how far it got, asked whether to go on.
///
/// Readers and runs call `advance` now and then (every few hundred records,
/// never per byte) and stop cleanly, writing nothing, once `stopRequested`
/// turns true (Ctrl-C on the command line). It is compared by identity, so
/// options that carry one stay `Hashable`.
public final class WorkProgress: @unchecked Sendable, Hashable {
    /// What is being done; the unit of `done` and `total` follows from it.
    public enum Step: Sendable, Hashable {
        /// The first pass over a batch file: bytes.
        case surveying
        /// The pass that hands out documents: bytes.
        case reading
        /// Refunds decided against the ledger: refunds.
        case deciding
    }

    private let onAdvance: (Step, Int, Int?) -> Void
    private let shouldStop: () -> Bool

    /// `onAdvance` and `shouldStop` are called on the thread doing the work; `shouldStop` also from the threads
    /// writing a reconciliation's outputs, several at once.
    public init(onAdvance: @escaping (Step, Int, Int?) -> Void, shouldStop: @escaping () -> Bool = { false }) {
        self.onAdvance = onAdvance
        self.shouldStop = shouldStop
    }

    /// `done` of `total` (when known) of `step`.
    public func advance(_ step: Step, done: Int, of total: Int? = nil) {
        onAdvance(step, done, total)
    }

    /// The person asked to stop: the work ends without writing anything.
    public var stopRequested: Bool { shouldStop() }

    public static func == (lhs: WorkProgress, rhs: WorkProgress) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// The work stopped because a person asked (Ctrl-C); nothing of it was written.
public struct WorkInterrupted: Error, Sendable, Hashable, CustomStringConvertible {
    public init() {}
    public var description: String { "stopped on request" }
}
