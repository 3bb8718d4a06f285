import CSVStreaming
import DurableOutput
import KCCModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to read a batch. The defaults follow the contract; every other choice
/// must be asked for (a date format or an encoding is never guessed).
public struct BatchReadOptions: Sendable, Hashable {
    /// How dates are written in a CSV batch (XML dates are always ISO 8601).
    public var dateFormat: KCCModelDateFormat
    /// The CSV file's encoding.
    public var encoding: TextEncoding
    /// The largest file accepted, in bytes (CSV and XML).
    public var maxFileBytes: Int
    /// The longest CSV field accepted, in bytes (XML text nodes are capped at 10 MB by libxml2).
    public var maxFieldBytes: Int
    /// Told how far each pass got; asked whether to stop (the reader then throws `WorkInterrupted`
    /// inside a refusal, and nothing of the file is used).
    public var progress: WorkProgress?
    /// Read and check on a thread of its own, ahead of the caller (``ReadAheadReader``):
    /// for a caller with work of its own per document (a conversion).
    public var readAhead = false

    public init(
        dateFormat: KCCModelDateFormat = .iso, encoding: TextEncoding = .utf8,
        maxFileBytes: Int = 2 << 30, maxFieldBytes: Int = 64 * 1024
    ) {
        self.dateFormat = dateFormat
        self.encoding = encoding
        self.maxFileBytes = maxFileBytes
        self.maxFieldBytes = maxFieldBytes
    }
}

public typealias KCCModelDateFormat = CalendarDate.Format

extension WorkProgress {
    /// Says how far `step` got and refuses the file, using nothing of it, when a stop was asked for.
    func checkpoint(_ step: Step, done: Int, of total: Int?, file: String) throws(BatchFileError) {
        if stopRequested { throw BatchFileError(at: SourceLocation(file: file), because: WorkInterrupted()) }
        advance(step, done: done, of: total)
    }
}

/// The size of the file at `path` in bytes, when it can be known (for progress).
func fileSize(_ path: String) -> Int? {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : nil
}

extension FileStamp {
    /// Refuses the file unless `now` (the status of a file just opened by its path, or of one read to its
    /// end) is the file this stamp was taken of, its bytes unchanged (``sameContent(as:)``). A batch is read
    /// more than once (its survey, then its documents, and those in two parts at once); each read must be of
    /// the very bytes the others read, so that the checks across the batch, the documents handed out and the
    /// hash recorded are of one file. A stamp is only taken of a regular file.
    static func require(_ now: stat?, sameAs stamp: FileStamp?, file: String) throws(BatchFileError) {
        guard let stamp else { return }
        if let current = FileStamp(now), current.sameContent(as: stamp) { return }
        throw BatchFileError(
            at: SourceLocation(file: file),
            "the file changed while it was being read (written to, or replaced by another file): the whole file is refused and nothing of it is used; run again once it is complete and left alone"
        )
    }
}
