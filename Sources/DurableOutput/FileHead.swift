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

    /// The same, as text.
    public static func text(_ path: String, count: Int = 4096) -> String? {
        bytes(path, count: count).map { String(decoding: $0, as: UTF8.self) }
    }
}
