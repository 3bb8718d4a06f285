/// One CSV record: its fields, decoded, and where it stands in the file.
public struct CSVRecord: Sendable, Hashable {
    /// Decoded fields. A field that could not be decoded holds replacement characters here, and has a problem.
    public var fields: [String]
    /// 1-based line the record starts on.
    public var line: Int
    /// Things wrong with this record alone; the reader carries on after it.
    public var problems: [Problem]

    public init(fields: [String], line: Int, problems: [Problem] = []) {
        self.fields = fields
        self.line = line
        self.problems = problems
    }

    /// A problem confined to one record.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public enum Code: Sendable, Hashable {
            /// A `"` inside a field that was not quoted, or text after a closing quote.
            case strayQuote
            /// The bytes of a field are not valid in the file's encoding.
            case invalidEncoding(TextEncoding)
            /// A NUL byte, which no text field may hold.
            case nulByte
            /// A carriage return not followed by a line feed, outside quotes.
            case bareCarriageReturn
        }

        public var code: Code
        /// 0-based index of the field concerned.
        public var fieldIndex: Int
        /// 1-based line where it was seen.
        public var line: Int

        public init(_ code: Code, fieldIndex: Int, line: Int) {
            self.code = code
            self.fieldIndex = fieldIndex
            self.line = line
        }

        public var description: String {
            switch code {
            case .strayQuote:
                "a quote character stands inside a field that is not properly quoted (quote the whole field and double the quote: \"\")"
            case .invalidEncoding(.utf8):
                "the text is not valid UTF-8 (if the file was saved from Excel on Windows, read it with --encoding windows-1252)"
            case .invalidEncoding(let encoding):
                "the text holds a byte that is not valid \(encoding.rawValue)"
            case .nulByte:
                "the field holds a NUL byte, which no text may contain"
            case .bareCarriageReturn:
                "a carriage return stands alone outside quotes (lines must end in CRLF or LF)"
            }
        }
    }
}
