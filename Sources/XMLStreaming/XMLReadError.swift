import SystemErrors

/// Why an XML file was refused. Any of these refuses the whole file.
public struct XMLReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The file could not be opened or read (errno).
        case unreadable(errno: Int32)
        /// The file is larger than the configured limit (bytes).
        case tooLarge(limit: Int)
        /// The file has a DOCTYPE; our formats have no use for one and it is how entity attacks start.
        case doctype
        /// An entity reference other than the five predefined ones.
        case entityReference(String)
        /// libxml2 reported the file as not well-formed (truncated, bad nesting, bad characters …).
        case malformed(String)
        /// The file is well-formed but breaks the schema.
        case invalid(String)
    }

    public var code: Code
    public var line: Int
    public var column: Int

    public init(_ code: Code, line: Int, column: Int = 0) {
        self.code = code
        self.line = line
        self.column = column
    }

    public var description: String {
        switch code {
        case .unreadable(let errno):
            return "the file cannot be read (\(Errno.describe(errno)))"
        case .tooLarge(let limit):
            return
                "the file is larger than the limit of \(limit) bytes; the whole file is refused (raise the limit if it is genuine)"
        case .doctype:
            return
                "the file has a DOCTYPE declaration, which is not allowed (it is how entity attacks begin); the whole file is refused"
        case .entityReference(let name):
            return "the file uses the entity &\(name);, which is not allowed; the whole file is refused"
        case .malformed(let message):
            return "the file is not well-formed XML (\(message)); the whole file is refused"
        case .invalid(let message):
            return "the file does not follow the schema: \(message); the whole file is refused"
        }
    }
}
