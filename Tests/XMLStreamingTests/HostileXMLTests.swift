import KCCTestSupport
import Testing
import XMLStreaming

private func temporary(_ text: String) throws -> String {
    let path = TestFiles.temporaryPath(".xml")
    TestFiles.write(path, text)
    return path
}

/// Reads the whole file; returns the events or the error that refused it.
private func read(
    _ text: String, schema: XMLSchema? = nil, maxBytes: Int = XMLPullReader.defaultMaxBytes
) throws -> Result<[XMLEvent], XMLReadError> {
    let path = try temporary(text)
    defer { TestFiles.remove(path) }
    do throws(XMLReadError) {
        let reader = try XMLPullReader(path: path, schema: schema, maxBytes: maxBytes)
        var events: [XMLEvent] = []
        while let event = try reader.next() { events.append(event) }
        return .success(events)
    } catch {
        return .failure(error)
    }
}

private func refusal(_ text: String, schema: XMLSchema? = nil) throws -> XMLReadError? {
    if case .failure(let error) = try read(text, schema: schema) { return error }
    return nil
}

@Suite("Hostile XML is refused, whole and safely")
struct HostileXMLTests {
    @Test("XXE: an external entity reading a local file")
    func xxe() throws {
        let error = try refusal(
            """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <r>&secret;</r>
            """)
        #expect(error?.code == .doctype)
        #expect(error?.line == 2)
    }

    @Test("billion laughs: refused at once, not expanded")
    func billionLaughs() throws {
        var entities = "<!ENTITY lol0 \"lol\">"
        for i in 1...9 { entities += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        let clock = ContinuousClock()
        let start = clock.now
        let error = try refusal("<?xml version=\"1.0\"?><!DOCTYPE r [\(entities)]><r>&lol9;</r>")
        #expect(error != nil)
        #expect(clock.now - start < .seconds(5))
    }

    @Test("an external DTD is neither fetched nor accepted")
    func externalDTD() throws {
        #expect(
            try refusal("<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://example.invalid/r.dtd\"><r/>")?.code
                == .doctype)
        #expect(try refusal("<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"/etc/passwd\"><r/>")?.code == .doctype)
    }

    @Test("an undeclared entity is an error, not silently dropped")
    func undeclaredEntity() throws {
        let error = try refusal("<r>a &nbsp; b</r>")
        guard case .malformed = error?.code else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
    }

    @Test("a truncated file is refused, never returned in part")
    func truncated() throws {
        let error = try refusal("<?xml version=\"1.0\"?>\n<r>\n  <a>one</a>\n  <a>tw")
        guard case .malformed = error?.code else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
        #expect((error?.line ?? 0) >= 4)
        #expect(error?.description.contains("the parser stopped") == false, "\(String(describing: error))")
    }

    @Test("XInclude is not processed")
    func xinclude() throws {
        let result = try read(
            "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"/etc/passwd\" parse=\"text\"/></r>")
        let events = try result.get()
        #expect(!events.contains { if case .text(let t, _) = $0 { t.contains("root:") } else { false } })
    }

    @Test("nesting deeper than libxml2's limit is refused")
    func deepNesting() throws {
        let depth = 300
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        #expect(try refusal(text) != nil)
    }

    @Test("a file over the size cap is refused before parsing, and the message says so")
    func sizeCap() throws {
        guard case .failure(let error) = try read("<r>" + String(repeating: "x", count: 2000) + "</r>", maxBytes: 1000)
        else {
            Issue.record("not refused")
            return
        }
        #expect(error.code == .tooLarge(limit: 1000))
        #expect(error.description.contains("1000 bytes"))
    }

    @Test("mismatched tags and bad characters are refused with a line number")
    func malformed() throws {
        #expect(try refusal("<r>\n<a></b>\n</r>")?.line == 2)
        #expect(try refusal("<r>\u{1}</r>") != nil)
    }
}

@Suite("Schema validation through the reader")
struct SchemaValidationTests {
    static let xsd = """
        <?xml version="1.0"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
          <xs:element name="r">
            <xs:complexType>
              <xs:sequence><xs:element name="a" type="xs:integer" maxOccurs="unbounded"/></xs:sequence>
              <xs:attribute name="id" type="xs:string" use="required"/>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """

    @Test("a valid document reads to the end, with attributes and text")
    func valid() throws {
        let schema = try XMLSchema(text: Self.xsd, name: "t.xsd")
        let events = try read("<r xmlns=\"urn:t\" id=\"x1\"><a>1</a><a>2</a></r>", schema: schema).get()
        guard case .startElement(let root) = events.first else {
            Issue.record("no root")
            return
        }
        #expect(root.name == "r" && root.namespace == "urn:t" && root[attribute: "id"] == "x1")
        #expect(events.filter { if case .text = $0 { true } else { false } }.count == 2)
    }

    @Test(
        "an invalid document is refused even though it is well-formed",
        arguments: [
            "<r xmlns=\"urn:t\"><a>1</a></r>",  // missing attribute
            "<r xmlns=\"urn:t\" id=\"x\"><a>one</a></r>",  // not an integer
            "<r xmlns=\"urn:t\" id=\"x\"><b>1</b></r>",  // unknown element
            "<r id=\"x\"><a>1</a></r>",  // wrong namespace
        ])
    func invalid(text: String) throws {
        let schema = try XMLSchema(text: Self.xsd, name: "t.xsd")
        guard case .invalid = try refusal(text, schema: schema)?.code else {
            Issue.record("not refused as invalid: \(text)")
            return
        }
    }
}

@Suite("XML writer")
struct XMLWriterTests {
    @Test("escapes text and attributes, and what it writes reads back")
    func roundTrip() throws {
        let writer = XMLStreamWriter()
        try writer.startDocument()
        try writer.startElement("r", namespace: "urn:t")
        try writer.attribute("name", "A & B <\"quoted\">")
        try writer.element("t", "x < y & z\nnext line")
        try writer.endDocument()
        let text = String(decoding: writer.drain(), as: UTF8.self)
        #expect(text.contains("&amp;") && text.contains("&lt;"))
        let events = try read(text).get()
        guard case .startElement(let root) = events.first else {
            Issue.record("no root")
            return
        }
        #expect(root[attribute: "name"] == "A & B <\"quoted\">")
        #expect(
            events.contains(.text("x < y & z\nnext line", line: 3))
                || events.contains { if case .text(let t, _) = $0 { t == "x < y & z\nnext line" } else { false } })
    }

    @Test("characters XML cannot carry are refused, never written")
    func controlCharacters() throws {
        let writer = XMLStreamWriter()
        try writer.startElement("r")
        #expect(throws: XMLWriteError.self) { try writer.element("t", "bell\u{7}") }
        #expect(throws: XMLWriteError.self) { try writer.attribute("a", "nul\u{0}") }
    }
}
