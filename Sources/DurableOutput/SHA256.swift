import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 (FIPS 180-4), streaming: how the ledger and the watcher recognise a
/// file they have seen before, whatever its name. The hashing is swift-crypto's
/// (BoringSSL's, with the processor's SHA instructions where it has them).
///
/// `@unchecked Sendable`: swift-crypto's hasher has value semantics (a copy is
/// copied on write) but does not say it is `Sendable`; a hash is only ever
/// updated by the one thread that holds it.
public struct SHA256: @unchecked Sendable {
    private var hasher = Crypto.SHA256()

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable {
            hasher.update(bufferPointer: UnsafeRawBufferPointer($0))
        }
        if done == nil {
            Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
    }

    /// The digest as 64 lowercase hex digits.
    public mutating func finalizeHex() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in hasher.finalize() {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        hasher = Crypto.SHA256()
        return String(decoding: out, as: UTF8.self)
    }

    /// The SHA-256 of a file's contents, read in chunks; `nil` if it cannot be read.
    public static func hexDigest(ofFile path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return hexDigest(ofDescriptor: fd)
    }

    /// The SHA-256 of the contents of the file open as `fd`, from its first byte (its offset is left as it
    /// was); `nil` if it cannot be read.
    public static func hexDigest(ofDescriptor fd: Int32) -> String? {
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset = 0
        while true {
            let n = pread(fd, &chunk, chunk.count, off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            hasher.update(chunk[0..<n])
            offset += n
        }
        return hasher.finalizeHex()
    }
}
