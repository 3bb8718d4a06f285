import Foundation
import KCCModel

/// Reads a batch ahead on a thread of its own, so that reading and checking
/// documents (one core) and mapping, writing and recording them (the caller,
/// the other core) overlap. At most `capacity` items wait between the two, so
/// memory stays flat; items come out in the reader's order, its refusal in its
/// place. Dropping the reader stops the thread at its next item.
final class ReadAheadReader: BatchReader {
    let info: BatchInfo
    let sha256: String?
    private let shared: Shared
    /// Items taken from the shared queue, handed out one by one without the lock.
    private var taken: [Result<BatchItem, BatchFileError>] = []
    private var nextIndex = 0
    private var ended = false

    init(_ base: any BatchReader, capacity: Int = 256) {
        info = base.info
        sha256 = base.sha256
        let shared = Shared(capacity: capacity)
        self.shared = shared
        let box = ReaderBox(base)
        let thread = Thread { shared.produce(from: box.reader) }
        thread.name = "kccbridge.read-ahead"
        thread.start()
    }

    deinit {
        shared.cancel()
    }

    func next() throws(BatchFileError) -> BatchItem? {
        if nextIndex == taken.count {
            if ended { return nil }
            (taken, ended) = shared.take()
            nextIndex = 0
            if taken.isEmpty { return nil }
        }
        defer { nextIndex += 1 }
        return try taken[nextIndex].get()
    }

    /// The queue between the two threads.
    private final class Shared: @unchecked Sendable {
        private let condition = NSCondition()
        private let capacity: Int
        private var queue: [Result<BatchItem, BatchFileError>] = []
        private var finished = false
        private var cancelled = false

        init(capacity: Int) {
            self.capacity = capacity
        }

        /// The producer: every item of `reader`, then the end (or its refusal, which ends it).
        func produce(from reader: any BatchReader) {
            while true {
                let item: Result<BatchItem, BatchFileError>?
                do {
                    item = try reader.next().map { .success($0) }
                } catch {
                    item = .failure(error)
                }
                condition.lock()
                while queue.count >= capacity && !cancelled { condition.wait() }
                if cancelled {
                    condition.unlock()
                    return
                }
                if let item { queue.append(item) }
                let last: Bool
                if case .failure = item { last = true } else { last = item == nil }
                if last { finished = true }
                condition.broadcast()
                condition.unlock()
                if last { return }
            }
        }

        /// The consumer: everything waiting (at least one item unless the end came), and whether the end came.
        func take() -> ([Result<BatchItem, BatchFileError>], Bool) {
            condition.lock()
            defer { condition.unlock() }
            while queue.isEmpty && !finished { condition.wait() }
            let items = queue
            queue = []
            condition.broadcast()
            return (items, finished)
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// Hands the reader to the producer's thread, which alone uses it from then on.
private final class ReaderBox: @unchecked Sendable {
    let reader: any BatchReader

    init(_ reader: any BatchReader) {
        self.reader = reader
    }
}
