#if canImport(Glibc)
import Glibc
#endif

/// The kernel's file notifications for the inbox (inotify): the watcher
/// wakes as soon as a file is renamed in or finished, and otherwise rescans
/// on a timer, so a missed event only delays, never loses.
final class InboxNotifier {
    private let fd: Int32
    /// Names renamed into the inbox since the last call (complete by the sender's word).
    private(set) var renamedIn: Set<String> = []

    init?(folder: String) {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { return nil }
        let mask = UInt32(IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE)
        guard inotify_add_watch(fd, folder, mask) >= 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
        #else
        return nil
        #endif
    }

    deinit {
        close(fd)
    }

    /// Waits until something happens in the inbox or `timeout` passes.
    func wait(_ timeout: Duration) {
        let milliseconds = Int32(
            timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        var pollfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&pollfd, 1, milliseconds)
        drain()
    }

    /// Takes note of the names the kernel reported as renamed in.
    func takeRenamedIn() -> Set<String> {
        defer { renamedIn = [] }
        return renamedIn
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { return }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let (mask, length) = buffer.withUnsafeBytes { raw -> (UInt32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.mask, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                if length > 0, mask & UInt32(IN_MOVED_TO) != 0 {
                    let bytes = buffer[nameStart..<min(nameStart + length, n)].prefix { $0 != 0 }
                    renamedIn.insert(String(decoding: bytes, as: UTF8.self))
                }
                offset = nameStart + length
            }
        }
    }
}
