/// A problem found in the input: where it is, what is wrong, and what it means
/// for the documents concerned.
///
/// Readers report findings instead of throwing, so that good records carry on
/// and the run decides what to hold back (the same idea as swift-format's `Finding`).
public struct Finding: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
        /// Something worth knowing; nothing is held back.
        case note
        /// Suspicious but usable; nothing is held back.
        case warning
        /// The document named is held back (or, with no document, the whole file is refused).
        case error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    public var location: SourceLocation
    /// The field or column concerned, spelled as the input spells it (`DocGross`).
    public var field: String?
    /// The document the finding holds back or concerns (`INV-100234`).
    public var document: String?
    /// One plain sentence; it already names the field and the document.
    public var message: String

    public init(
        _ severity: Severity, at location: SourceLocation, field: String? = nil, document: String? = nil,
        _ message: String
    ) {
        self.severity = severity
        self.location = location
        self.field = field
        self.document = document
        self.message = message
    }

    /// `orders.csv:17: error: DocGross 120.00 …`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// A place in an input file: its name as given, a 1-based line and optionally a column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file`, `file:17` or `file:17:5`.
    public var description: String {
        guard let line else { return file }
        guard let column else { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }
}
