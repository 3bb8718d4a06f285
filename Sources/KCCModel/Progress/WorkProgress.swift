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
        /// Refunds decided against the ledger: bytes of the refund file read, of its size when it is read as it
        /// goes (a CSV; a package's file is read whole first, and has no total); `items` counts the refunds.
        case deciding
    }

    private let onAdvance: (Step, Int, Int?, Int?) -> Void
    private let shouldStop: () -> Bool

    /// `onAdvance` (the step, done, total, items) and `shouldStop` are called on the thread doing the work;
    /// `shouldStop` also from the threads writing a reconciliation's outputs, several at once.
    public init(
        onAdvance: @escaping (Step, Int, Int?, Int?) -> Void, shouldStop: @escaping () -> Bool = { false }
    ) {
        self.onAdvance = onAdvance
        self.shouldStop = shouldStop
    }

    /// `done` of `total` (when known) of `step`, and the `items` (refunds, documents) it came to, when counted.
    public func advance(_ step: Step, done: Int, of total: Int? = nil, items: Int? = nil) {
        onAdvance(step, done, total, items)
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
