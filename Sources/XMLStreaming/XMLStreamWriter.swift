import CLibXML2

/// Writes XML through libxml2's `xmlTextWriter` into a memory buffer that the
/// caller drains as it goes, so a writer of any size holds only what was
/// written since the last ``drain()``.
///
/// Text and attribute values are escaped by libxml2; characters that XML 1.0
/// cannot carry at all (most control characters) are refused with
/// ``XMLWriteError``, never written.
public final class XMLStreamWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    private var depth = 0

    /// - Parameter indent: pretty-print with two spaces per level.
    public init(indent: Bool = true) {
        ExternalEntityPolicy.install()
        buffer = xmlBufferCreate()
        writer = xmlNewTextWriterMemory(buffer, 0)
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, "  ")
        }
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    /// `<?xml version="1.0" encoding="utf-8"?>`.
    public func startDocument() throws(XMLWriteError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", "utf-8", nil), "the document start")
    }

    /// `<?target content?>`, e.g. `<?qbxml version="13.0"?>`.
    public func processingInstruction(_ target: String, _ content: String) throws(XMLWriteError) {
        try check(xmlTextWriterWritePI(writer, target, content), target)
    }

    /// Opens an element; with `namespace`, declares it as the default namespace.
    public func startElement(_ name: String, namespace: String? = nil) throws(XMLWriteError) {
        if let namespace {
            try check(xmlTextWriterStartElementNS(writer, nil, name, namespace), name)
        } else {
            try check(xmlTextWriterStartElement(writer, name), name)
        }
        depth += 1
    }

    public func attribute(_ name: String, _ value: String) throws(XMLWriteError) {
        try Self.requireXMLCharacters(value, field: name)
        try check(Self.withXMLText(name, value) { xmlTextWriterWriteAttribute(writer, $0, $1) }, name)
    }

    /// Writes `value` as an attribute only when it is not `nil`.
    public func attribute(_ name: String, ifPresent value: String?) throws(XMLWriteError) {
        if let value { try attribute(name, value) }
    }

    public func text(_ value: String, field: String) throws(XMLWriteError) {
        try Self.requireXMLCharacters(value, field: field)
        try check(Self.withXMLText(value) { xmlTextWriterWriteString(writer, $0) }, field)
    }

    /// `<name>value</name>`.
    public func element(_ name: String, _ value: String) throws(XMLWriteError) {
        try Self.requireXMLCharacters(value, field: name)
        try check(Self.withXMLText(name, value) { xmlTextWriterWriteElement(writer, $0, $1) }, name)
    }

    /// `<name>value</name>`, only when `value` is not `nil`.
    public func element(_ name: String, ifPresent value: String?) throws(XMLWriteError) {
        if let value { try element(name, value) }
    }

    public func endElement() throws(XMLWriteError) {
        try check(xmlTextWriterEndElement(writer), "an element end")
        depth -= 1
    }

    /// Closes every open element and ends the document.
    public func endDocument() throws(XMLWriteError) {
        try check(xmlTextWriterEndDocument(writer), "the document end")
        depth = 0
    }

    /// Everything written since the last call; the buffer is emptied.
    public func drain() -> [UInt8] {
        xmlTextWriterFlush(writer)
        let length = Int(xmlBufferLength(buffer))
        guard length > 0, let content = xmlBufferContent(buffer) else { return [] }
        let bytes = Array(UnsafeBufferPointer(start: content, count: length))
        xmlBufferEmpty(buffer)
        return bytes
    }

    /// `body` given `text` as the NUL-terminated bytes libxml2 takes, lent from the string's own storage where
    /// it has one (the implicit conversion copies every string into a new array first).
    private static func withXMLText(_ text: String, _ body: (UnsafePointer<xmlChar>) -> Int32) -> Int32 {
        text.withCString { body(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
    }

    private static func withXMLText(
        _ first: String, _ second: String, _ body: (UnsafePointer<xmlChar>, UnsafePointer<xmlChar>) -> Int32
    ) -> Int32 {
        withXMLText(first) { first in withXMLText(second) { second in body(first, second) } }
    }

    private func check(_ status: Int32, _ what: String) throws(XMLWriteError) {
        if status < 0 { throw XMLWriteError(field: what, reason: "libxml2 could not write it") }
    }

    /// XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
    static func requireXMLCharacters(_ value: String, field: String) throws(XMLWriteError) {
        // Every byte from 0x20 up is allowed outside U+FFFE and U+FFFF (EF BF BE, EF BF BF): most text passes
        // on its bytes, and only text with a low byte or an 0xEF is read scalar by scalar.
        var text = value
        if text.withUTF8({ bytes in !bytes.contains { $0 < 0x20 || $0 == 0xEF } }) { return }
        for scalar in value.unicodeScalars {
            let v = scalar.value
            let allowed =
                v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v)
                || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
            if !allowed {
                throw XMLWriteError(
                    field: field,
                    reason:
                        "it holds the control character U+\(String(v, radix: 16, uppercase: true)), which XML cannot carry"
                )
            }
        }
    }
}

/// A value XML cannot carry, or a write libxml2 refused.
public struct XMLWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public var description: String { "\(field) cannot be written as XML: \(reason)" }
}
