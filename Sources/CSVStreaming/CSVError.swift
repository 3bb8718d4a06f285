import SystemErrors

/// Why a CSV file cannot be read at all. A problem confined to one record is a
/// ``CSVRecord/Problem`` instead, and reading carries on.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The file could not be opened or read (errno).
        case unreadable(errno: Int32)
        /// A quoted field was still open at the end of the file.
        case unterminatedQuote
        /// A field longer than the configured limit (bytes).
        case fieldTooLong(limit: Int)
        /// A record with more fields than the configured limit.
        case tooManyFields(limit: Int)
        /// The file is larger than the configured limit (bytes).
        case fileTooLarge(limit: Int)
        /// Lines end in a bare carriage return (old Mac style), so the file reads as one endless line.
        case bareCarriageReturnLines
    }

    public var code: Code
    /// 1-based line where the trouble starts (where the quote opened, where the field began).
    public var line: Int

    public init(_ code: Code, line: Int) {
        self.code = code
        self.line = line
    }

    public var description: String {
        switch code {
        case .unreadable(let errno):
            return "the file cannot be read (\(Errno.describe(errno)))"
        case .unterminatedQuote:
            return
                "a quoted field opened on line \(line) is never closed; the whole file is refused (is a closing \" missing?)"
        case .fieldTooLong(let limit):
            return "a field starting on line \(line) is longer than \(limit) bytes; the whole file is refused"
        case .tooManyFields(let limit):
            return "line \(line) has more than \(limit) fields; the whole file is refused"
        case .bareCarriageReturnLines:
            return
                "the lines of this file end in a bare carriage return (old Mac style), so it reads as one endless line; save it with CRLF or LF line ends. The whole file is refused"
        case .fileTooLarge(let limit):
            return
                "the file is larger than the limit of \(limit) bytes; the whole file is refused (raise the limit if it is genuine)"
        }
    }
}
