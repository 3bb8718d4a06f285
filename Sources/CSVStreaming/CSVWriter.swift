/// Turns rows into RFC 4180 bytes: fields quoted only when they must be
/// (delimiter, quote, CR or LF inside, or space at either end), quotes doubled,
/// records ended by CRLF (or LF when asked).
///
/// It does not decide what a cell may contain: formula-like text is the
/// business of ``TextCellPolicy``, applied by the writer of each file format.
public struct CSVWriter: Sendable {
    public enum LineEnding: String, Sendable, Hashable {
        case crlf = "\r\n"
        case lf = "\n"
    }

    public var lineEnding: LineEnding
    public var delimiter: UInt8

    /// UTF-8's byte-order mark: at the start of a CSV meant for people, it makes
    /// Excel on Windows read the file as UTF-8 (`—`, `×`, `£`), where it would
    /// otherwise guess a legacy code page. Import files never carry it.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init(lineEnding: LineEnding = .crlf, delimiter: UInt8 = UInt8(ascii: ",")) {
        self.lineEnding = lineEnding
        self.delimiter = delimiter
    }

    /// The bytes of one record, line ending included.
    public func encode(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        append(fields, to: &out)
        return out
    }

    /// Appends one record to `out`, with its line ending unless `ending` is `false` (for a record
    /// put together from parts: the delimiter between parts is the caller's).
    public func append(_ fields: [String], to out: inout [UInt8], ending: Bool = true) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(delimiter) }
            append(field: field, to: &out)
        }
        if ending { out.append(contentsOf: lineEnding.rawValue.utf8) }
    }

    /// Appends one field, quoted if it must be, and nothing else (no delimiter, no line ending): for a
    /// record written cell by cell.
    public func append(field: String, to out: inout [UInt8]) {
        var field = field
        // The field's bytes where they are (a native string's own storage): scanned and copied at once.
        field.withUTF8 { bytes in
            guard needsQuotes(bytes) else {
                out.append(contentsOf: bytes)
                return
            }
            out.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { out.append(byte) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
    }

    private func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if first == UInt8(ascii: " ") || last == UInt8(ascii: " ") { return true }
        for byte in bytes
        where byte == delimiter || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
        {
            return true
        }
        return false
    }
}
