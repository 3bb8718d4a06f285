#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file as it stands: which file it is, its size, and when it or its status last changed. Two
/// reads of a file that give the same stamp read the same bytes, as far as anything short of reading
/// them can tell (the status change time is the kernel's own: restoring a modification time sets it).
/// Whether its bytes changed is judged without that time (``sameContent(as:)``): an edit that puts the
/// modification time back is then not seen, but a change of mode, links or access time is not refused.
public struct FileStamp: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int
    public var modified: [Int]
    public var changed: [Int]

    /// The stamp of an open file's status; `nil` for anything but a regular file (a pipe).
    public init?(_ info: stat?) {
        guard let info, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        #if canImport(Darwin)
        modified = [Int(info.st_mtimespec.tv_sec), Int(info.st_mtimespec.tv_nsec)]
        changed = [Int(info.st_ctimespec.tv_sec), Int(info.st_ctimespec.tv_nsec)]
        #else
        modified = [Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
        changed = [Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec)]
        #endif
    }

    /// The stamp of the file at `path` (following a symbolic link); `nil` when there is none, or it is not a
    /// regular file.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// What is at `path` when it can be read only once, being neither a regular file nor a folder (`pipe`,
    /// `device or socket`); `nil` for a file, a folder, or nothing there.
    public static func readOnce(at path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        guard type != S_IFREG && type != S_IFDIR else { return nil }
        return type == S_IFIFO ? "pipe" : "device or socket"
    }

    /// Whether `other` is the same file with the same bytes as far as writing it tells: the same file, size
    /// and modification time. Its status may have changed (its mode, its links, its access time set back by
    /// a backup tool, a rename): none of that changes a byte.
    public func sameContent(as other: FileStamp) -> Bool {
        device == other.device && inode == other.inode && size == other.size && modified == other.modified
    }
}
