import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pull-parses an XML file in constant memory, refusing what untrusted input
/// must not do, and optionally validating against an XSD as it goes.
///
/// The parser runs with `XML_PARSE_NONET` only: no entity substitution, no
/// DTD loading, no recovery, no lifted limits. A DOCTYPE or an entity reference
/// refuses the file; so does any error or warning libxml2 reports. With a
/// schema, the end of the file is reached only if the document is valid
/// (`xmlTextReaderIsValid() == 1`), so a caller that reads to the end knows the
/// whole file is sound.
public final class XMLPullReader {
    /// The largest file accepted by default, in bytes.
    public static let defaultMaxBytes = 2 << 30

    private let reader: xmlTextReaderPtr
    private let fd: Int32
    private let errors = XMLErrorCollector()
    private let schema: XMLSchema?
    private let path: String
    private let maxBytes: Int
    private var finished = false
    /// Names and namespaces already made into strings, by the address libxml2 keeps them at (its
    /// dictionary holds one copy of each name for the reader's life). A hit is used only if its bytes
    /// still match, so an address reused for another text can never give a wrong name.
    private var names: [UnsafePointer<xmlChar>: String] = [:]

    /// Opens `path`. Throws if it cannot be opened or is larger than `maxBytes`.
    public init(
        path: String, schema: XMLSchema? = nil, maxBytes: Int = XMLPullReader.defaultMaxBytes
    ) throws(XMLReadError) {
        ExternalEntityPolicy.install()
        kcc_silence_generic_errors()
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw XMLReadError(.unreadable(errno: errno), line: 0) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else {
            close(fd)
            throw XMLReadError(.unreadable(errno: EISDIR), line: 0)
        }
        guard Int(info.st_size) <= maxBytes else {
            close(fd)
            throw XMLReadError(.tooLarge(limit: maxBytes), line: 0)
        }
        guard let reader = xmlReaderForFd(fd, nil, nil, Int32(XML_PARSE_NONET.rawValue)) else {
            close(fd)
            throw XMLReadError(.unreadable(errno: 0), line: 0)
        }
        self.fd = fd
        self.reader = reader
        self.schema = schema
        self.path = path
        self.maxBytes = maxBytes
        // The handler first: xmlTextReaderSetSchema hands it on to the validator.
        xmlTextReaderSetStructuredErrorHandler(reader, XMLErrorCollector.callback, errors.context)
        if let schema, xmlTextReaderSetSchema(reader, schema.pointer) != 0 {
            throw XMLReadError(.invalid("the schema could not be attached"), line: 0)
        }
    }

    deinit {
        xmlFreeTextReader(reader)
        close(fd)
    }

    /// The status of the file being read (`fstat`): which file it is, however its path is changed meanwhile.
    public func fileStatus() -> stat? {
        var info = stat()
        return fstat(fd, &info) == 0 ? info : nil
    }

    /// The bytes of the file the parser has taken in so far (for progress).
    public var bytesConsumed: Int { max(0, Int(xmlTextReaderByteConsumed(reader))) }

    /// The next event, or `nil` at the end of a sound (and, with a schema, valid) file.
    public func next() throws(XMLReadError) -> XMLEvent? {
        while let type = try step() {
            switch type {
            case Int(XML_READER_TYPE_ELEMENT.rawValue):
                return .startElement(elementStart())
            case Int(XML_READER_TYPE_END_ELEMENT.rawValue):
                return .endElement(
                    name: interned(xmlTextReaderConstLocalName(reader)) ?? "",
                    namespace: interned(xmlTextReaderConstNamespaceUri(reader)), line: lineNumber)
            case Int(XML_READER_TYPE_TEXT.rawValue), Int(XML_READER_TYPE_CDATA.rawValue),
                Int(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                return .text(string(xmlTextReaderConstValue(reader)) ?? "", line: lineNumber)
            default:
                continue  // comments, processing instructions, ignorable whitespace
            }
        }
        return nil
    }

    /// Reads past everything inside the element just started, to its end, without making a Swift value of
    /// any of it: for a caller that needs only an element's attributes. The content is checked (and, with a
    /// schema, validated) exactly as ``next()`` checks it.
    public func skip(_ element: XMLElementStart) throws(XMLReadError) {
        guard !element.isEmpty else { return }
        var depth = 1
        while depth > 0 {
            switch try step() {
            case nil:
                throw XMLReadError(.malformed("the file ends inside \(element.name)"), line: lineNumber)
            case Int(XML_READER_TYPE_ELEMENT.rawValue):
                if xmlTextReaderIsEmptyElement(reader) != 1 { depth += 1 }
            case Int(XML_READER_TYPE_END_ELEMENT.rawValue):
                depth -= 1
            default:
                continue
            }
        }
    }

    /// Moves to the next node and gives its type; `nil` at the end of a sound (and, with a schema, valid)
    /// file. Whatever the file must not hold (a DOCTYPE, an entity) or any error libxml2 reports is thrown.
    private func step() throws(XMLReadError) -> Int? {
        guard !finished else { return nil }
        let status = xmlTextReaderRead(reader)
        try checkErrors()
        if status == 0 {
            finished = true
            if schema != nil, xmlTextReaderIsValid(reader) != 1 {
                throw XMLReadError(.invalid("the document is not valid"), line: lineNumber)
            }
            return nil
        }
        guard status == 1 else {
            throw diagnoseStop()
        }
        let type = Int(xmlTextReaderNodeType(reader))
        switch type {
        case Int(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
            throw XMLReadError(.doctype, line: lineOfFirst("<!DOCTYPE") ?? lineNumber)
        case Int(XML_READER_TYPE_ENTITY_REFERENCE.rawValue), Int(XML_READER_TYPE_ENTITY.rawValue):
            throw XMLReadError(.entityReference(string(xmlTextReaderConstName(reader)) ?? "?"), line: lineNumber)
        default:
            return type
        }
    }

    /// Reads everything inside the element just started and returns its text
    /// (for elements of simple content). Child elements are refused.
    public func readText(of element: XMLElementStart) throws(XMLReadError) -> String {
        if element.isEmpty { return "" }
        var text = ""
        while let event = try next() {
            switch event {
            case .text(let part, _): text += part
            case .endElement: return text
            case .startElement(let child):
                throw XMLReadError(
                    .invalid("element \(child.name) is not allowed inside \(element.name)"), line: child.line,
                    column: child.column)
            }
        }
        throw XMLReadError(.malformed("the file ends inside \(element.name)"), line: lineNumber)
    }

    /// 1-based line of the node just read (where its start tag is, for an element).
    public var lineNumber: Int {
        if let node = xmlTextReaderCurrentNode(reader) {
            let line = Int(xmlGetLineNo(node))
            if line > 0 { return line }
        }
        return Int(xmlTextReaderGetParserLineNumber(reader))
    }

    /// The line where `marker` first occurs in the first 64 KiB of the file
    /// (libxml2 reports a DOCTYPE only after reading past it).
    private func lineOfFirst(_ marker: String) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0, let range = buffer[0..<n].firstRange(of: Array(marker.utf8)) else { return nil }
        return 1 + buffer[0..<range.lowerBound].count { $0 == UInt8(ascii: "\n") }
    }

    /// Why the parser stopped without a word. With a schema attached, libxml2's
    /// validator takes over the parser's callbacks and well-formedness errors
    /// no longer reach the reader's handler; reading the file again without the
    /// schema finds the error and its line.
    private func diagnoseStop() -> XMLReadError {
        let fallback = XMLReadError(.malformed("the parser stopped"), line: lineNumber)
        guard schema != nil, let plain = try? XMLPullReader(path: path, maxBytes: maxBytes) else { return fallback }
        do {
            while try plain.next() != nil {}
        } catch {
            return error
        }
        return fallback
    }

    private func checkErrors() throws(XMLReadError) {
        guard let first = errors.first else { return }
        throw XMLReadError(
            first.isValidity ? .invalid(first.message) : .malformed(first.message),
            line: first.line, column: first.column)
    }

    private func elementStart() -> XMLElementStart {
        let name = interned(xmlTextReaderConstLocalName(reader)) ?? ""
        let namespace = interned(xmlTextReaderConstNamespaceUri(reader))
        let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
        let line = lineNumber
        let column = Int(xmlTextReaderGetParserColumnNumber(reader))
        var attributes: [XMLAttribute] = []
        if xmlTextReaderHasAttributes(reader) == 1 {
            while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                if xmlTextReaderIsNamespaceDecl(reader) == 1 { continue }
                attributes.append(
                    XMLAttribute(
                        name: interned(xmlTextReaderConstLocalName(reader)) ?? "",
                        namespace: interned(xmlTextReaderConstNamespaceUri(reader)),
                        value: string(xmlTextReaderConstValue(reader)) ?? ""))
            }
            xmlTextReaderMoveToElement(reader)
        }
        return XMLElementStart(
            name: name, namespace: namespace, attributes: attributes, isEmpty: isEmpty, line: line, column: column)
    }

    private func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// A name or namespace (see ``names``).
    private func interned(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        if var known = names[pointer] {
            // Byte by byte, stopping at the first difference: libxml2's text may be shorter than the name
            // kept, and nothing past its end is read (a name holds no NUL, so the end is a difference).
            let same = known.withUTF8 { bytes in
                var index = 0
                while index < bytes.count, pointer[index] == bytes[index] { index += 1 }
                return index == bytes.count && pointer[index] == 0
            }
            if same { return known }
        }
        let made = String(cString: pointer)
        // A batch has a few dozen names; a hostile file with endless new ones is not remembered past a bound.
        if names.count < 1_024 || names[pointer] != nil { names[pointer] = made }
        return made
    }
}
