import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// The inbox's events as an asynchronous sequence: each element is one
/// "look now", carrying the names the kernel saw renamed in since the last.
/// It comes when the kernel reports a change (inotify) or, as a safety net,
/// after `pause` without one, so a missed event only delays, never loses.
/// The first element comes at once (what is already there).
package struct InboxEvents: AsyncSequence, Sendable {
    package typealias Element = Set<String>

    private let notifier: NotifierBox
    private let pause: Duration

    package init(folder: String, pause: Duration) {
        self.notifier = NotifierBox(InboxNotifier(folder: folder))
        self.pause = pause
    }

    package func makeAsyncIterator() -> Iterator {
        Iterator(notifier: notifier, pause: pause)
    }

    package struct Iterator: AsyncIteratorProtocol {
        fileprivate let notifier: NotifierBox
        fileprivate let pause: Duration
        private var started = false

        fileprivate init(notifier: NotifierBox, pause: Duration) {
            self.notifier = notifier
            self.pause = pause
        }

        package mutating func next() async -> Set<String>? {
            if Task.isCancelled { return nil }
            guard started else {
                started = true
                return []
            }
            let notifier = self.notifier
            let pause = self.pause
            // The wait blocks a thread of its own, never one of the tasks' few threads.
            return await withCheckedContinuation { continuation in
                notifier.queue.async {
                    continuation.resume(returning: notifier.wait(pause))
                }
            }
        }
    }
}

/// The notifier, used on its own queue only (one wait at a time).
private final class NotifierBox: @unchecked Sendable {
    let notifier: InboxNotifier?
    let queue = DispatchQueue(label: "kccbridge.inbox-events")

    init(_ notifier: InboxNotifier?) {
        self.notifier = notifier
    }

    /// Waits for a change or `pause`, and returns the names renamed in meanwhile.
    func wait(_ pause: Duration) -> Set<String> {
        guard let notifier else {
            // No kernel notifications here: the rescan alone.
            let nanoseconds = pause.components.seconds * 1_000_000_000 + pause.components.attoseconds / 1_000_000_000
            usleep(UInt32(min(nanoseconds / 1000, 10_000_000)))
            return []
        }
        notifier.wait(pause)
        return notifier.takeRenamedIn()
    }
}
