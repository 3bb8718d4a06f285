import Dispatch
import Synchronization

/// Work handed to a thread of its own and done there in the order it was handed over, so the caller goes on
/// with its own meanwhile (two cores share a run, or one waits for the disk while the other works).
///
/// At most `waiting` pieces are handed over and not yet done at once (with the default two: one being done, one
/// waiting), so memory stays flat however far the thread falls behind: a hand-over waits for room. The first failure stops the pieces after it and is thrown at the next hand-over or by
/// ``finish()``.
public final class OrderedWorker<Failure: Error & Sendable>: Sendable {
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore
    private let pending = DispatchGroup()
    private let failure = Mutex<Failure?>(nil)

    public init(label: String, waiting: Int = 2) {
        queue = DispatchQueue(label: label)
        slots = DispatchSemaphore(value: waiting)
    }

    /// Hands `work` over; waits while `waiting` pieces are not yet done. Throws an earlier piece's failure instead.
    public func hand(_ work: @escaping @Sendable () throws(Failure) -> Void) throws(Failure) {
        try rethrow()
        slots.wait()
        queue.async(group: pending) { [self] in
            defer { slots.signal() }
            guard failure.withLock({ $0 == nil }) else { return }
            do throws(Failure) {
                try work()
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Waits until every piece handed over is done; throws the first failure.
    public func finish() throws(Failure) {
        pending.wait()
        try rethrow()
    }

    private func rethrow() throws(Failure) {
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
