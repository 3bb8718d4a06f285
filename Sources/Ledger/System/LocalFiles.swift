import SystemErrors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system operations the ledger needs, over the C library.
enum LocalFiles {
    /// `path` made absolute against the current folder, with `.`, `..` and repeated slashes resolved
    /// as text (links are not followed), so one file is always spelled the same way.
    static func absolute(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let cwd =
                getcwd(&buffer, buffer.count) != nil
                ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "/"
            full = cwd + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates `folder` and any missing parents (`mkdir -p`).
    static func makeFolders(_ folder: String) throws(LedgerError) {
        var current = ""
        for part in folder.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw LedgerError(.cannotOpen, "the folder \(current) cannot be created (\(Errno.describe(errno)))")
            }
        }
    }

    /// The folder holding `path` (absolute).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// Deletes `path`; `nil` when it is gone (or was never there), else why not.
    static func remove(_ path: String) -> String? {
        if unlink(path) == 0 || errno == ENOENT { return nil }
        return Errno.describe(errno)
    }

    /// Seconds on a clock that never jumps.
    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Tries `attempt` every 10 ms until it succeeds, `timeout` seconds have passed, or `stop` says to give up.
    static func waitFor(
        timeout: Double, stop: () -> Bool = { false }, _ attempt: () throws(LedgerError) -> Bool
    ) throws(LedgerError) -> Bool {
        let deadline = monotonicSeconds() + timeout
        while true {
            if try attempt() { return true }
            if monotonicSeconds() >= deadline || stop() { return false }
            pause(milliseconds: 10)
        }
    }

    /// Waits `milliseconds` on this thread.
    static func pause(milliseconds: Int) {
        usleep(UInt32(milliseconds) * 1000)
    }
}
