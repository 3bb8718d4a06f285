import DurableOutput
import Foundation
import KCCModel

/// A refund file as reconciling it began (its run's SHA-256 is taken of it, ``sha256()``): its bytes must still
/// be those when its last refund is decided. It is held open meanwhile, so a rename does not matter; a file written to, or
/// another file put at its path, does. A pipe or device, which cannot be read more than once, and a file that
/// cannot be read at all, are refused at once.
final class InputStamp {
    private let descriptor: Int32
    private let stamp: FileStamp

    init(_ path: String, _ name: String) throws(FileRefusal) {
        // Looked at before it is opened: opening a pipe would wait for its writer.
        if let kind = FileStamp.readOnce(at: path) {
            throw FileRefusal(
                at: SourceLocation(file: name),
                "this is not a file on disk but a \(kind): a refund file is read more than once, so it must be saved to a file first (for example `cat > refunds.csv`), then given by its name; the whole file is refused"
            )
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        var opened = stat()
        guard descriptor >= 0, fstat(descriptor, &opened) == 0, let stamp = FileStamp(opened) else {
            if descriptor >= 0 { close(descriptor) }
            // In the words the readers use.
            throw FileRefusal(at: SourceLocation(file: name), FileHead.whyUnreadable(path))
        }
        self.descriptor = descriptor
        self.stamp = stamp
    }

    deinit {
        close(descriptor)
    }

    /// The SHA-256 of the file stamped (read through the descriptor held, whatever is at its path by now).
    func sha256() -> String? {
        SHA256.hexDigest(ofDescriptor: descriptor)
    }

    /// Throws, refusing the file whole, when the file stamped was written to, or another file is now at `path`.
    func require(unchangedAt path: String, _ name: String) throws(FileRefusal) {
        var info = stat()
        let unchanged = fstat(descriptor, &info) == 0 && FileStamp(info)?.sameContent(as: stamp) == true
        // At the path now: the file stamped, or nothing (it was renamed away, and read all the same).
        let samePath = FileStamp(path: path).map { $0.sameContent(as: stamp) } ?? true
        guard unchanged && samePath else {
            throw FileRefusal(
                at: SourceLocation(file: name),
                "the file changed while it was being read (written to, or replaced by another file): the whole file is refused, nothing of it is written or recorded; reconcile it again once it is complete and left alone"
            )
        }
    }
}
