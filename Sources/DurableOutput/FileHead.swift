import SystemErrors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first bytes of a file, past a UTF-8 byte-order mark and leading white
/// space: enough to tell what kind of file it is without reading it all.
public enum FileHead {
    /// Up to `count` bytes, or `nil` when the file cannot be read or holds only blanks.
    public static func bytes(_ path: String, count: Int = 4096) -> ArraySlice<UInt8>? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        let n = read(fd, &buffer, count)
        guard n > 0 else { return nil }
        var bytes = buffer[0..<n]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        while let first = bytes.first, [0x20, 0x09, 0x0A, 0x0D].contains(first) { bytes = bytes.dropFirst() }
        return bytes.isEmpty ? nil : bytes
    }

    /// Why `bytes(path)` found nothing, in a clerk's words: `the file cannot be read (no such
    /// file or folder)`, `… (it is a folder, not a file)`, `the file is empty`.
    public static func whyUnreadable(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "the file cannot be read (\(Errno.describe(errno)))" }
        if (info.st_mode & S_IFMT) == S_IFDIR { return "the file cannot be read (\(Errno.describe(EISDIR)))" }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "the file cannot be read (\(Errno.describe(errno)))" }
        close(fd)
        return info.st_size == 0 ? "the file is empty" : "the file holds only blank space"
    }

    /// The same, as text.
    public static func text(_ path: String, count: Int = 4096) -> String? {
        bytes(path, count: count).map { String(decoding: $0, as: UTF8.self) }
    }
}
