import CSVStreaming
import KCCModel

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
