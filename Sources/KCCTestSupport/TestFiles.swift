#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small file helpers the test targets share (real files in real folders;
/// no Foundation needed).
public enum TestFiles {
    /// Writes `bytes` to `path`, replacing what is there.
    public static func write(_ path: String, bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot write \(path)")
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    public static func write(_ path: String, _ text: String) {
        write(path, bytes: Array(text.utf8))
    }

    /// The file's text, or `nil` if it cannot be read.
    public static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func remove(_ path: String) {
        unlink(path)
    }

    /// A path in /tmp that nothing else uses.
    public static func temporaryPath(_ suffix: String) -> String {
        "/tmp/kccbridge-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max))\(suffix)"
    }

    /// A new empty folder in /tmp.
    public static func makeFolder() -> String {
        var template = Array("/tmp/kccbridge-test-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            // The template is never empty; mkdtemp fails only when /tmp is unusable, and then no test can run.
            guard let base = buffer.baseAddress, let folder = mkdtemp(base) else {
                preconditionFailure("mkdtemp failed: errno \(errno)")
            }
            return String(cString: folder)
        }
    }

    /// The names in `folder`, sorted, without `.` and `..`.
    public static func names(in folder: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var result: [String] = []
        while let entry = readdir(dir) {
            // d_name is a fixed array holding the name up to its terminating NUL.
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { result.append(name) }
        }
        return result.sorted()
    }

    /// The repository root, from a test file's `#filePath` (Tests/<Target>/<File>.swift).
    public static func repositoryRoot(from filePath: String = #filePath) -> String {
        var parts = filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }
}
