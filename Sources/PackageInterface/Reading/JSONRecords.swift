import DurableOutput
import KCCModel
import XMLStreaming

/// A JSON response read into the same small trees as XML records, so one
/// reader serves both encodings of an API. Numbers keep their text exactly
/// (`46.00` stays `46.00`: money is never a floating-point number), every node
/// keeps the line it starts on, and hostile input is refused whole: too
/// large, too deep, not UTF-8, or not JSON.
///
/// The tree follows the XML shape: an object's members are children named by
/// their keys; an array under key `Payments` is a child `Payments` whose items
/// are named `Payment` (the key without its final `s`); `null` members are
/// absent; `true`, `false` and numbers are text.
package enum JSONRecords {
    /// The largest JSON file read (refund responses are far smaller).
    package static let maximumBytes = 64 << 20
    /// The deepest nesting accepted.
    package static let maximumDepth = 64

    /// The whole document as a tree whose root is named `root`.
    package static func read(_ path: String, _ name: String, root: String) throws(FileRefusal) -> XMLTree {
        guard let bytes = FileBytes.read(path, limit: maximumBytes) else {
            throw FileRefusal(
                at: SourceLocation(file: name), "the file cannot be read, or is larger than \(maximumBytes >> 20) MiB")
        }
        var parser = Parser(bytes: bytes)
        do {
            let node = try parser.document(root: root)
            return node
        } catch {
            throw FileRefusal(
                at: SourceLocation(file: name, line: error.line),
                "the file is not valid JSON: \(error.message); the whole file is refused")
        }
    }

    struct ParseError: Error {
        var line: Int
        var message: String
    }

    /// A recursive-descent parser over bytes, bounded in depth.
    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A byte-order mark is allowed before the document.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        mutating func document(root: String) throws(ParseError) -> XMLTree {
            skipSpace()
            let node = try value(name: root, depth: 0)
            skipSpace()
            guard index == bytes.count else { throw fail("unexpected text after the end of the document") }
            return node
        }

        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\n"): line += 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
                default: return
                }
                index += 1
            }
        }

        mutating func value(name: String, depth: Int) throws(ParseError) -> XMLTree {
            guard depth < JSONRecords.maximumDepth else {
                throw fail("nested deeper than \(JSONRecords.maximumDepth) levels")
            }
            guard index < bytes.count else { throw fail("the document ends where a value should be") }
            let start = line
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var node = XMLTree(name: name, line: start)
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return node
                }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                        throw fail("a member name in quotes was expected")
                    }
                    let key = try string()
                    // Two members of one name: which one counts is a guess, and a guess about money is refused.
                    guard !node.children.contains(where: { $0.name == key }) else {
                        throw fail("\"\(key)\" is given twice in one object")
                    }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                        throw fail("':' was expected after \"\(key)\"")
                    }
                    index += 1
                    skipSpace()
                    if bytes[index...].starts(with: Array("null".utf8)) {
                        index += 4
                    } else {
                        node.children.append(try value(name: key, depth: depth + 1))
                    }
                    skipSpace()
                    guard index < bytes.count else { throw fail("the document ends inside an object") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "}") else { throw fail("',' or '}' was expected") }
                    index += 1
                    return node
                }
            case UInt8(ascii: "["):
                index += 1
                var node = XMLTree(name: name, line: start)
                let item = name.count > 1 && name.hasSuffix("s") ? String(name.dropLast()) : name
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return node
                }
                while true {
                    skipSpace()
                    node.children.append(try value(name: item, depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw fail("the document ends inside a list") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "]") else { throw fail("',' or ']' was expected") }
                    index += 1
                    return node
                }
            case UInt8(ascii: "\""):
                return XMLTree(name: name, text: try string(), line: start)
            default:
                return XMLTree(name: name, text: try literal(), line: start)
            }
        }

        /// A number, `true`, `false` or `null`, as its text.
        mutating func literal() throws(ParseError) -> String {
            let begin = index
            while index < bytes.count {
                let byte = bytes[index]
                let isPart =
                    (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "E")
                guard isPart else { break }
                index += 1
            }
            let text = String(decoding: bytes[begin..<index], as: UTF8.self)
            guard !text.isEmpty else { throw fail("a value was expected") }
            if text == "true" || text == "false" || text == "null" { return text == "null" ? "" : text }
            guard Self.isNumber(text) else { throw fail("'\(text.prefix(20))' is not a JSON value") }
            return text
        }

        /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        static func isNumber(_ text: String) -> Bool {
            var bytes = Substring(text).utf8[...]
            func digits() -> Int {
                let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
                bytes = bytes.dropFirst(count)
                return count
            }
            if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            let whole = bytes
            let count = digits()
            guard count > 0, count == 1 || whole.first != UInt8(ascii: "0") else { return false }
            if bytes.first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
                guard digits() > 0 else { return false }
            }
            if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
                bytes = bytes.dropFirst()
                if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
                guard digits() > 0 else { return false }
            }
            return bytes.isEmpty
        }

        /// A string, its escapes resolved; invalid UTF-8 and raw control characters are refused.
        mutating func string() throws(ParseError) -> String {
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: out, as: UTF8.self) else {
                        throw fail("a string is not UTF-8 text")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw fail("the document ends inside a string") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard bytes[index...].starts(with: Array("\\u".utf8)) else {
                                throw fail("a lone surrogate in a string")
                            }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone surrogate in a string") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw fail("a lone surrogate in a string") }
                        out.append(contentsOf: Array(String(Character(unicode)).utf8))
                    default:
                        throw fail("'\\\(Character(Unicode.Scalar(escape)))' is not a JSON escape")
                    }
                default:
                    guard byte >= 0x20 else { throw fail("a control character inside a string") }
                    out.append(byte)
                }
            }
            throw fail("the document ends inside a string")
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("the document ends inside a \\u escape") }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("'\\u' needs four hexadecimal digits")
                }
                value = value * 16 + UInt32(digit)
            }
            index += 4
            return value
        }
    }
}
