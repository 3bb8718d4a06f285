#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place a system error number becomes words: every reader, writer
/// and the ledger describe a failed system call through it, so the same
/// failure reads the same everywhere.
public enum Errno {
    /// `no space left on the device`: words a clerk can act on for the common
    /// cases, the C library's own text (and the number) for the rest.
    public static func describe(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file or folder"
        case EACCES, EPERM: "permission denied"
        case ENOSPC: "no space left on the device"
        case EDQUOT: "the disk quota is used up"
        case EROFS: "read-only file system"
        case ENOTDIR: "a part of the path is not a folder"
        case EISDIR: "it is a folder, not a file"
        case EEXIST: "it exists already"
        case EMFILE, ENFILE: "too many files are open"
        case ENAMETOOLONG: "the name is too long"
        case EIO: "an input/output error (the disk or the network share may be failing)"
        default: "\(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
