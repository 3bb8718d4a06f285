import DurableOutput
import KCCModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a batch reader hands out, one at a time: a checked document, or a finding.
public enum BatchItem: Sendable, Hashable {
    /// A document that passed every check, and where it starts in the file.
    case document(Document, SourceLocation)
    /// A problem; an error with a document number means that document is held back.
    case finding(Finding)
}

/// Facts about a batch as a whole.
public struct BatchInfo: Sendable, Hashable {
    /// The XML `batchId`; for CSV, the file name.
    public var batchID: String
    /// The XML `created` date-time, as written.
    public var created: String?
    /// The XML `company`.
    public var company: String?

    public init(batchID: String, created: String? = nil, company: String? = nil) {
        self.batchID = batchID
        self.created = created
        self.company = company
    }
}

/// Why a whole batch file is refused: nothing from it may be used.
public typealias BatchFileError = FileRefusal

/// Reads one KCC batch file, streaming.
///
/// Opening a reader surveys the whole file first, so a file that cannot be
/// used at all (truncated XML, an unterminated quote, a missing column) is
/// refused before a single document is handed out: a caller never sees part
/// of a refused batch.
public protocol BatchReader: AnyObject {
    var info: BatchInfo { get }
    /// The SHA-256 of the file's bytes, in hex, when the reader computed it as it read (the CSV reader does).
    var sha256: String? { get }
    /// The next document or finding; `nil` at the end.
    func next() throws(BatchFileError) -> BatchItem?
}

/// Opens batch files of either encoding.
public enum BatchFile {
    /// The encodings a batch comes in.
    public enum Encoding: String, Sendable, CaseIterable {
        case csv, xml
    }

    /// Opens `path`, choosing the encoding by its extension (`.csv`, `.xml`),
    /// otherwise by its first non-blank byte (`<` means XML).
    public static func open(
        _ path: String, displayName: String? = nil, options: BatchReadOptions = BatchReadOptions()
    ) throws(BatchFileError) -> any BatchReader {
        let name = displayName ?? path
        try requireRegularFile(path, displayName: name)
        let reader: any BatchReader
        switch try encoding(of: path, displayName: name) {
        case .csv: reader = try CSVBatchReader(path: path, displayName: name, options: options)
        case .xml: reader = try XMLBatchReader(path: path, displayName: name, options: options)
        }
        return options.readAhead ? ReadAheadReader(reader) : reader
    }

    /// A batch is read more than once (surveyed, then read for its documents), so it must be a file on disk:
    /// a pipe or a device (`/dev/stdin` fed by `cat`) would give its bytes to the first read only. Refused
    /// before anything of it is read; a path that cannot be looked at is left to the reader, which says why.
    static func requireRegularFile(_ path: String, displayName: String) throws(BatchFileError) {
        guard let kind = FileStamp.readOnce(at: path) else { return }
        throw BatchFileError(
            at: SourceLocation(file: displayName),
            "this is not a file on disk but a \(kind): a batch is read twice (surveyed, then checked), so it must be saved to a file first (for example `cat > batch.csv`), then given by its name; the whole file is refused"
        )
    }

    static func encoding(of path: String, displayName: String) throws(BatchFileError) -> Encoding {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".xml") { return .xml }
        // A file that cannot be read (missing, a folder, empty) goes to the CSV reader, which says exactly why.
        return FileHead.bytes(path)?.first == UInt8(ascii: "<") ? .xml : .csv
    }
}
