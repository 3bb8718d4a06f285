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

    private var reader: xmlTextReaderPtr
    private let fd: Int32
    private let errors = XMLErrorCollector()
    private let schema: XMLSchema?
    private let path: String
    private let maxBytes: Int
    private var finished = false
    /// Names and namespaces already made into strings, by the address libxml2 keeps them at (its
    /// dictionary holds one copy of each name for the reader's life): a slot for each of a few hundred
    /// addresses, chosen by the address's bits, where a later name may take an earlier one's place. A hit
    /// is used only if its bytes still match, so an address reused for another text can never give a
    /// wrong name. A batch has a few dozen names; a hostile file with endless new ones keeps only these.
    private var names = [NameSlot](repeating: NameSlot(), count: 256)

    private struct NameSlot {
        var address: UnsafePointer<xmlChar>?
        var name = ""
    }

    /// The stretches of the file read one after the other, when not the whole file in one piece.
    private let parts: [XMLFilePart]
    /// The part being read (its place in `parts`), and its bytes as they feed the parser.
    private var partIndex = 0
    private var part: PartSource?
    /// Added to every line the parser counts: the lines of a part are the file's.
    private var lineOffset = 0

    /// Opens `path`. Throws if it cannot be opened or is larger than `maxBytes`.
    public convenience init(
        path: String, schema: XMLSchema? = nil, maxBytes: Int = XMLPullReader.defaultMaxBytes
    ) throws(XMLReadError) {
        try self.init(path: path, schema: schema, maxBytes: maxBytes, parts: [])
    }

    /// Opens `path` to read `parts` of it one after the other, as one document: the start of each part's
    /// root but the first, and the end of each part's root but the last, are passed over. Each part must be
    /// a document of its own (and, with a schema, a valid one); the parts are cut between the root's
    /// children. No parts: the whole file in one piece.
    public init(
        path: String, schema: XMLSchema? = nil, maxBytes: Int = XMLPullReader.defaultMaxBytes, parts: [XMLFilePart]
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
        let source = parts.first.map { PartSource(fd: fd, part: $0) }
        guard let reader = Self.textReader(fd: fd, source: source) else {
            close(fd)
            throw XMLReadError(.unreadable(errno: 0), line: 0)
        }
        self.parts = parts
        self.part = source
        self.lineOffset = parts.first?.lineOffset ?? 0
        self.fd = fd
        self.reader = reader
        self.schema = schema
        self.path = path
        self.maxBytes = maxBytes
        try attach()
    }

    private static func textReader(fd: Int32, source: PartSource?) -> xmlTextReaderPtr? {
        let options = Int32(XML_PARSE_NONET.rawValue)
        guard let source else { return xmlReaderForFd(fd, nil, nil, options) }
        return xmlReaderForIO(PartSource.read, nil, Unmanaged.passUnretained(source).toOpaque(), nil, nil, options)
    }

    /// Sets the reader's error handler and schema.
    private func attach() throws(XMLReadError) {
        // The handler first: xmlTextReaderSetSchema hands it on to the validator.
        xmlTextReaderSetStructuredErrorHandler(reader, XMLErrorCollector.callback, errors.context)
        if let schema, xmlTextReaderSetSchema(reader, schema.pointer) != 0 {
            throw XMLReadError(.invalid("the schema could not be attached"), line: 0)
        }
    }

    /// Goes on to the next part, when the one read has ended.
    private func nextPart() throws(XMLReadError) -> Bool {
        guard partIndex + 1 < parts.count else { return false }
        partIndex += 1
        let source = PartSource(fd: fd, part: parts[partIndex])
        guard let next = Self.textReader(fd: fd, source: source) else {
            throw XMLReadError(.unreadable(errno: 0), line: 0)
        }
        xmlFreeTextReader(reader)
        (reader, part, lineOffset) = (next, source, parts[partIndex].lineOffset)
        // Another reader has a dictionary of its own.
        for slot in names.indices { names[slot] = NameSlot() }
        try attach()
        return true
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

    /// The bytes of the file the parser has taken in so far (for progress): for a part, where in the file it is.
    public var bytesConsumed: Int {
        let consumed = max(0, Int(xmlTextReaderByteConsumed(reader)))
        guard let part = part?.part else { return consumed }
        return part.start + max(0, consumed - part.prefix.count)
    }

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
            if schema != nil, xmlTextReaderIsValid(reader) != 1 {
                finished = true
                throw XMLReadError(.invalid("the document is not valid"), line: lineNumber)
            }
            if try nextPart() { return try step() }
            finished = true
            return nil
        }
        guard status == 1 else {
            throw diagnoseStop()
        }
        let type = Int(xmlTextReaderNodeType(reader))
        // Where one part ends and the next begins, the two roots made to close and open it are not the file's.
        if xmlTextReaderDepth(reader) == 0,
            (type == Int(XML_READER_TYPE_ELEMENT.rawValue) && partIndex > 0)
                || (type == Int(XML_READER_TYPE_END_ELEMENT.rawValue) && partIndex + 1 < parts.count)
        {
            return try step()
        }
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
            // libxml2 keeps a node's line in 16 bits: from 65,535 on, every line reads 65,535, which is
            // left as it is (not shifted into a line that looks exact).
            if line > 0 { return line < 65_535 ? line + lineOffset : line }
        }
        return fileLine(Int(xmlTextReaderGetParserLineNumber(reader)))
    }

    /// A line the parser counted (not a node's), as the file's line.
    private func fileLine(_ line: Int) -> Int {
        line > 0 ? line + lineOffset : line
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
        let current = part.map { [$0.part] } ?? []
        guard schema != nil, let plain = try? XMLPullReader(path: path, maxBytes: maxBytes, parts: current) else {
            return fallback
        }
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
            line: fileLine(first.line), column: first.column)
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
        let bits = UInt(bitPattern: pointer)
        let slot = Int(truncatingIfNeeded: (bits ^ (bits >> 8)) & 255)
        if names[slot].address == pointer {
            // Byte by byte, stopping at the first difference: libxml2's text may be shorter than the name
            // kept, and nothing past its end is read (a name holds no NUL, so the end is a difference).
            let same = names[slot].name.utf8.withContiguousStorageIfAvailable { bytes in
                var index = 0
                while index < bytes.count, pointer[index] == bytes[index] { index += 1 }
                return index == bytes.count && pointer[index] == 0
            }
            if same == true { return names[slot].name }
        }
        let made = String(cString: pointer)
        names[slot] = NameSlot(address: pointer, name: made)
        return made
    }
}

/// A stretch of a file read as an XML document of its own: `prefix`, then the file's bytes from `start` up to
/// `end` (or its end), then `suffix`. A long batch is read in such parts (its two halves at once, one on each
/// core); the prefix and suffix make each a whole document (the file's own opening, or a closing tag).
public struct XMLFilePart: Sendable, Hashable {
    public var prefix: [UInt8]
    public var start: Int
    public var end: Int?
    public var suffix: [UInt8]
    /// Added to every line the parser counts in the part, so lines are the file's.
    public var lineOffset: Int

    public init(prefix: [UInt8] = [], start: Int, end: Int?, suffix: [UInt8] = [], lineOffset: Int = 0) {
        self.prefix = prefix
        self.start = start
        self.end = end
        self.suffix = suffix
        self.lineOffset = lineOffset
    }
}

/// Hands libxml2 a part's bytes in order, reading the file's stretch with `pread` (the reader owns the file).
private final class PartSource {
    let fd: Int32
    let part: XMLFilePart
    private var prefixDone = 0
    private var fileOffset: Int
    private var fileDone = false
    private var suffixDone = 0

    init(fd: Int32, part: XMLFilePart) {
        self.fd = fd
        self.part = part
        self.fileOffset = part.start
    }

    /// Up to `length` more bytes into `buffer`: how many, 0 at the end, -1 when the file cannot be read.
    func read(into buffer: UnsafeMutableRawPointer, length: Int) -> Int {
        var written = 0
        while written < length {
            if prefixDone < part.prefix.count {
                let n = min(length - written, part.prefix.count - prefixDone)
                Self.copy(part.prefix, from: prefixDone, count: n, to: buffer + written)
                prefixDone += n
                written += n
            } else if !fileDone {
                let wanted = min(length - written, (part.end ?? Int.max) - fileOffset)
                let n = wanted > 0 ? pread(fd, buffer + written, wanted, off_t(fileOffset)) : 0
                if n < 0 {
                    if errno == EINTR { continue }
                    return -1
                }
                // The end of the stretch, or of the file (one that shrank is seen by the reader's caller).
                if n == 0 { fileDone = true }
                fileOffset += n
                written += n
            } else if suffixDone < part.suffix.count {
                let n = min(length - written, part.suffix.count - suffixDone)
                Self.copy(part.suffix, from: suffixDone, count: n, to: buffer + written)
                suffixDone += n
                written += n
            } else {
                break
            }
        }
        return written
    }

    private static func copy(_ bytes: [UInt8], from index: Int, count: Int, to target: UnsafeMutableRawPointer) {
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(start: target, count: count)
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[index..<(index + count)]))
        }
    }

    /// The C callback; `context` is an unretained pointer to the source, which the reader keeps.
    static let read: xmlInputReadCallback = { context, buffer, length in
        guard let context, let buffer, length > 0 else { return 0 }
        let source = Unmanaged<PartSource>.fromOpaque(context).takeUnretainedValue()
        return Int32(source.read(into: UnsafeMutableRawPointer(buffer), length: Int(length)))
    }
}
