#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The watcher's sense of time: the wall clock a file's modification time is
/// compared with (is it quiet yet?), and how it waits while draining. Tests
/// give it a clock they move by hand, so a quiet period of a minute is
/// judged without waiting a minute.
package protocol WatchClock: Sendable {
    /// Now, in nanoseconds since 1970: the scale of a file's modification time.
    func nanosecondsSinceEpoch() -> Int64

    /// Waits `duration`.
    func sleep(_ duration: Duration)
}

/// The system's clock.
package struct SystemWatchClock: WatchClock {
    package init() {}

    package func nanosecondsSinceEpoch() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    package func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
