import CLibXML2

/// Receives libxml2's structured errors for one parser, validator or schema
/// compiler, so nothing goes to stderr and every error keeps its line and column.
final class XMLErrorCollector {
    struct Entry {
        var message: String
        var line: Int
        var column: Int
        var isValidity: Bool
    }

    private(set) var entries: [Entry] = []
    /// More than this many are counted but not kept.
    private let limit = 50
    private(set) var dropped = 0

    var first: Entry? { entries.first }

    func record(_ error: UnsafePointer<xmlError>) {
        guard entries.count < limit else {
            dropped += 1
            return
        }
        let raw = error.pointee
        var message = raw.message.map { String(cString: $0) } ?? "unknown error"
        while message.last?.isWhitespace == true || message.last == "." { message.removeLast() }
        let domain = Int32(bitPattern: UInt32(raw.domain))
        let isValidity =
            domain == Int32(bitPattern: UInt32(XML_FROM_SCHEMASV.rawValue))
            || domain == Int32(bitPattern: UInt32(XML_FROM_VALID.rawValue))
        entries.append(Entry(message: message, line: Int(raw.line), column: Int(raw.int2), isValidity: isValidity))
    }

    /// The C callback; `context` is an unretained pointer to a collector.
    static let callback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        Unmanaged<XMLErrorCollector>.fromOpaque(context).takeUnretainedValue().record(error)
    }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
