#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that appears under its final name whole, or not at all.
///
/// Bytes go to a temporary dot-file in the same folder, created with `O_EXCL`.
/// ``commit()`` flushes it to disk, links it to the final name (which fails,
/// rather than replaces, if the name is taken), removes the temporary name and
/// flushes the folder. A reader of the folder sees a whole file or none; a
/// crash leaves at most a temporary file, which ``removeLeftovers(in:)`` clears.
/// An `fsync` failure fails the file for good: it is never retried and trusted.
public final class DurableFile: ByteSink {
    /// The final path.
    public let path: String
    /// The temporary path while the file is being written.
    public let temporaryPath: String
    private var fd: Int32
    private var pending: [UInt8] = []
    private var state = State.open
    /// Where the file was committed to (its final name).
    public private(set) var committedPath: String?
    /// The committed file's identity (device, inode, change time): withdrawing removes that file,
    /// never another that has since taken its name (another process's output after a recovery),
    /// even one that was given the same inode again.
    private var committedIdentity: [Int64]?
    private static let flushThreshold = 256 * 1024

    private enum State { case open, committed, discarded }

    /// The mark every temporary name carries, so leftovers can be found after a crash.
    public static let temporaryMarker = ".kccbridge-tmp-"

    /// Starts a file that will be called `path`. Fails at once if `path` exists,
    /// unless `checkingNow` is off (the final name is then chosen at commit).
    public init(path: String, checkingNow: Bool = true) throws(OutputError) {
        self.path = path
        if checkingNow, access(path, F_OK) == 0 { throw OutputError(.exists, path: path) }
        let (folder, name) = Self.split(path)
        var attempt = 0
        while true {
            let candidate = "\(folder)/\(Self.temporaryPrefix(name))\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                self.fd = fd
                self.temporaryPath = candidate
                return
            }
            let code = errno
            attempt += 1
            guard code == EEXIST, attempt < 10 else {
                throw OutputError(.system(call: "open", errno: code), path: path)
            }
        }
    }

    deinit {
        if state == .open { discard() }
    }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        precondition(state == .open && fd >= 0, "write after seal, commit or discard")
        pending.append(contentsOf: bytes)
        if pending.count >= Self.flushThreshold { try flushPending() }
    }

    public func write(_ text: String) throws(OutputError) {
        try write(Array(text.utf8))
    }

    /// Finishes writing: the bytes go to disk, are flushed, and the file is
    /// closed, still under its temporary name. A run with many files seals
    /// each as it fills, so it holds neither their buffers nor their
    /// descriptors; ``commit(as:)`` then only links them into place.
    public func seal() throws(OutputError) {
        guard fd >= 0 else { return }
        precondition(state == .open, "seal after commit or discard")
        do throws(OutputError) {
            try flushPending()
            pending = []
            guard fsync(fd) == 0 else { throw OutputError(.system(call: "fsync", errno: errno), path: path) }
            guard close(fd) == 0 else {
                fd = -1
                throw OutputError(.system(call: "close", errno: errno), path: path)
            }
            fd = -1
        } catch {
            discard()
            throw error
        }
    }

    /// Makes the file durable under its final name (`path`, or `finalPath` when given).
    ///
    /// With `syncingFolder` off, the name is in place but not yet flushed: the caller flushes the folder (once for
    /// many files, ``OutputTransaction/commit()``) before it counts on the name surviving a power cut.
    public func commit(as finalPath: String? = nil, syncingFolder: Bool = true) throws(OutputError) {
        precondition(state == .open, "commit twice")
        let path = finalPath ?? self.path
        do throws(OutputError) {
            try seal()
            if link(temporaryPath, path) != 0 {
                let code = errno
                throw OutputError(code == EEXIST ? .exists : .system(call: "link", errno: code), path: path)
            }
            unlink(temporaryPath)
            state = .committed
            committedPath = path
            committedIdentity = Self.identity(of: path)
            if syncingFolder { try Self.syncFolder(of: path) }
        } catch {
            if state == .open { discard() }
            throw error
        }
    }

    /// Takes the file back: an open one is discarded, a committed one is
    /// removed from its final name (and the folder flushed), for when a later
    /// step of the same run failed and the run must leave nothing behind.
    public func withdraw() {
        switch state {
        case .open:
            discard()
        case .committed:
            if let committedPath {
                if let identity = Self.identity(of: committedPath), identity == committedIdentity ?? identity {
                    unlink(committedPath)
                    try? Self.syncFolder(of: committedPath)
                }
            }
            state = .discarded
        case .discarded:
            break
        }
    }

    /// Device, inode and change time of the file at `path` (not following a link).
    private static func identity(of path: String) -> [Int64]? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return [
            Int64(truncatingIfNeeded: info.st_dev), Int64(truncatingIfNeeded: info.st_ino),
            Int64(info.st_ctim.tv_sec), Int64(info.st_ctim.tv_nsec),
        ]
    }

    /// Throws the bytes away; nothing appears under the final name.
    public func discard() {
        guard state == .open else { return }
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(temporaryPath)
        state = .discarded
    }

    private func flushPending() throws(OutputError) {
        if let code = writeAll(pending, to: fd) { throw OutputError(.system(call: "write", errno: code), path: path) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes the folder holding `path`, so a rename or link in it survives a power cut.
    public static func syncFolder(of path: String) throws(OutputError) {
        let (folder, _) = split(path)
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError(.system(call: "open folder", errno: errno), path: folder) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw OutputError(.system(call: "fsync folder", errno: errno), path: folder) }
    }

    /// Deletes temporary files a crashed run left in `folder`; returns their names.
    @discardableResult
    public static func removeLeftovers(in folder: String) -> [String] {
        removeTemporaries(in: folder) { $0.hasPrefix(".") && $0.contains(temporaryMarker) }
    }

    /// Deletes the temporary files a crashed writer of `path` left beside it; returns their names.
    ///
    /// Temporaries of other files in the folder are left alone, so a process
    /// writing another file there at the same time is never disturbed.
    @discardableResult
    public static func removeLeftovers(of path: String) -> [String] {
        let (folder, name) = split(path)
        let prefix = temporaryPrefix(name)
        return removeTemporaries(in: folder) { $0.hasPrefix(prefix) }
    }

    private static func removeTemporaries(in folder: String, where isTemporary: (String) -> Bool) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var removed: [String] = []
        while let entry = readdir(dir) {
            // d_name is a fixed array holding the name up to its terminating NUL.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if isTemporary(name) {
                unlink("\(folder)/\(name)")
                removed.append(name)
            }
        }
        return removed
    }

    /// `.NAME.kccbridge-tmp-` with NAME cut to 160 bytes, so that a temporary
    /// name fits in a file name (255 bytes) whatever the final name's length.
    static func temporaryPrefix(_ name: String) -> String {
        var short = name
        while short.utf8.count > 160 { short.removeLast() }
        return ".\(short)\(temporaryMarker)"
    }

    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }
}

/// Standard output as a sink (for `generate` without `--output`).
public final class StandardOutputSink: ByteSink {
    public init() {}

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        if let code = writeAll(bytes, to: 1) {
            throw OutputError(.system(call: "write", errno: code), path: "standard output")
        }
    }
}

/// Writes all of `bytes` to `fd`, again after a signal or a short write.
/// Returns the `errno` of a write that failed, or `nil`.
private func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
    bytes.withUnsafeBytes { raw in
        // An empty array may have no address; it has nothing to write either.
        guard let base = raw.baseAddress else { return nil }
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, base + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }
}
