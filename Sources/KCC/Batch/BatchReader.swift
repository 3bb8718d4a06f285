import DurableOutput
import KCCModel

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
        let reader: any BatchReader
        switch try encoding(of: path, displayName: name) {
        case .csv: reader = try CSVBatchReader(path: path, displayName: name, options: options)
        case .xml: reader = try XMLBatchReader(path: path, displayName: name, options: options)
        }
        return options.readAhead ? ReadAheadReader(reader) : reader
    }

    static func encoding(of path: String, displayName: String) throws(BatchFileError) -> Encoding {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".xml") { return .xml }
        // A file that cannot be read (missing, a folder, empty) goes to the CSV reader, which says exactly why.
        return FileHead.bytes(path)?.first == UInt8(ascii: "<") ? .xml : .csv
    }
}
