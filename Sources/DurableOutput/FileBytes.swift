#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole small file in memory, for inputs that cannot be streamed (a JSON
/// response, an error body to quote). Bounded: a larger file is not read.
public enum FileBytes {
    /// Every byte of the file, or `nil` when it cannot be read or holds more than `limit` bytes.
    public static func read(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress, raw.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return bytes }
            guard bytes.count + n <= limit else { return nil }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
}
