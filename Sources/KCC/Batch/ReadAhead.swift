import Foundation
import KCCModel

/// Items made on a thread of its own, ahead of the one taking them, through a
/// queue of at most `capacity`: two cores share a pass over a file, memory
/// stays flat, and items (and the refusal that ends them) come out in order.
/// Dropping it stops the thread at its next item.
final class ReadAhead<Item: Sendable> {
    private let shared: Shared
    /// Items taken from the shared queue, handed out one by one without the lock.
    private var taken: [Result<Item, BatchFileError>] = []
    private var nextIndex = 0
    private var ended = false

    /// `produce` is called on the new thread only, until it returns `nil` or throws.
    init(capacity: Int, name: String, produce: @escaping @Sendable () throws(BatchFileError) -> Item?) {
        let shared = Shared(capacity: capacity)
        self.shared = shared
        let thread = Thread { shared.produce(produce) }
        thread.name = name
        thread.start()
    }

    deinit {
        shared.cancel()
    }

    func next() throws(BatchFileError) -> Item? {
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
        private var queue: [Result<Item, BatchFileError>] = []
        private var finished = false
        private var cancelled = false

        init(capacity: Int) {
            self.capacity = capacity
        }

        /// The producer: every item, then the end (or a refusal, which ends it).
        func produce(_ make: () throws(BatchFileError) -> Item?) {
            while true {
                let item: Result<Item, BatchFileError>?
                do {
                    item = try make().map { .success($0) }
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
        func take() -> ([Result<Item, BatchFileError>], Bool) {
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

/// A batch read and checked ahead of its caller (``BatchReadOptions/readAhead``): for a
/// caller with work of its own per document (a conversion maps, writes and records it).
final class ReadAheadReader: BatchReader {
    let info: BatchInfo
    let sha256: String?
    private let items: ReadAhead<BatchItem>

    init(_ base: any BatchReader, capacity: Int = 256) {
        info = base.info
        sha256 = base.sha256
        let box = Unshared(base)
        items = ReadAhead(capacity: capacity, name: "kccbridge.read-ahead") { () throws(BatchFileError) in
            try box.value.next()
        }
    }

    func next() throws(BatchFileError) -> BatchItem? {
        try items.next()
    }
}

/// Hands a value to the producer's thread, which alone uses it from then on.
final class Unshared<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
