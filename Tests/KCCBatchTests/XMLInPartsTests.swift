import DurableOutput
import Foundation
import KCCModel
import KCCTestSupport
import Testing
import XMLStreaming

@testable import KCCBatch

@Suite("Reading an XML batch in two parts, one on each core")
struct XMLInPartsTests {
    /// A generated XML batch (awkward text when `nasty`), as bytes.
    static func generated(orders: Int, seed: UInt64 = 5, nasty: Bool = true) throws -> [UInt8] {
        let sink = MemorySink()
        try BatchGenerator(options: .init(orders: orders, seed: seed, nasty: nasty))
            .generate(into: BatchFile.writer(.xml, to: sink))
        return sink.bytes
    }

    /// Where the first line past the middle of `bytes` that starts with a top-level element begins.
    static func lineStartPastMiddle(of bytes: [UInt8]) throws -> Int {
        var at = bytes.count / 2
        while at < bytes.count {
            let feed = try #require(bytes[at...].firstIndex(of: UInt8(ascii: "\n")))
            let starts = bytes[(feed + 1)...].withUnsafeBytes { XMLSplit.startsTopLevel($0) }
            if starts { return feed + 1 }
            at = feed + 1
        }
        throw XMLReadError(.malformed("no top-level element past the middle"), line: 0)
    }

    /// `bytes` with `insert` put before the first top-level element that starts a line past the middle.
    static func inserting(_ insert: String, pastMiddleOf bytes: [UInt8]) throws -> [UInt8] {
        let at = try lineStartPastMiddle(of: bytes)
        return Array(bytes[..<at]) + Array(insert.utf8) + Array(bytes[at...])
    }

    /// Every item of the file, or its refusal, read whole in one piece or (`inParts`) in parts of a few
    /// hundred lines, its two halves at once.
    static func read(_ path: String, inParts: Bool) -> ([BatchItem], FileRefusal?) {
        do {
            let reader = try XMLBatchReader(
                path: path, displayName: path, options: BatchReadOptions(), smallestSplit: inParts ? 1 : .max,
                linesPerPart: inParts ? 400 : .max)
            return CheckInPartsTests.items(reader)
        } catch {
            return ([], error)
        }
    }

    /// The batches the cases below read: sound, odd in form, and held back in places.
    static func batches() throws -> [String: [UInt8]] {
        let nasty = try generated(orders: 1_500)
        let text = String(decoding: nasty, as: UTF8.self)
        // Prefixed names, not the default namespace.
        let prefixed = text.replacingOccurrences(of: "<(/?)([A-Z])", with: "<$1k:$2", options: .regularExpression)
            .replacingOccurrences(
                of: "xmlns=\"urn:kccbridge:kcc-batch:1\"", with: "xmlns:k=\"urn:kccbridge:kcc-batch:1\"")
        // Latin-1, as its declaration says.
        let latin1 = text.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"")
            .unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
        // A document number used in both halves, a customer changed in the second, an amount that does not add up.
        let firstInvoice = try #require(
            text.range(of: "\n  <SalesInvoice [^\n]*\n(.*\n)*?  </SalesInvoice>", options: .regularExpression))
        let firstCustomer = try #require(
            text.range(of: "\n  <Customer [^\n]*\n(.*\n)*?  </Customer>", options: .regularExpression))
        let changed = text[firstCustomer].replacingOccurrences(of: "<Name>", with: "<Name>Changed ")
        let held = try inserting(String(text[firstInvoice]) + changed + "\n", pastMiddleOf: nasty)
        let wrong = Array(
            String(decoding: held, as: UTF8.self).replacingOccurrences(of: "LineNet=\"1", with: "LineNet=\"7").utf8)
        // Lines in the middle that look like documents but stand inside a comment.
        let ghosts = (0..<200).map { "  <Payment DocNumber=\"PAY-GHOST-\($0)\"/>\n" }.joined()
        let commented = try inserting("  <!--\n" + ghosts + "  -->\n", pastMiddleOf: nasty)
        return [
            "nasty": nasty, "prefixed": Array(prefixed.utf8), "latin1": latin1, "held": wrong, "commented": commented,
        ]
    }

    @Test("the two parts give exactly what one reader gives, in both passes, for sound and odd batches")
    func sameAsWhole() throws {
        let folder = TestFiles.makeFolder()
        for (name, bytes) in try Self.batches() {
            let path = folder + "/" + name + ".xml"
            TestFiles.write(path, bytes: bytes)
            let (expected, refusal) = Self.read(path, inParts: false)
            #expect(refusal == nil, "\(name)")
            #expect(expected.count > 1_000, "\(name)")
            // Pass 1 in parts, pass 2 in one piece.
            let (inParts, partsRefusal) = Self.read(path, inParts: true)
            #expect(partsRefusal == nil && inParts == expected, "\(name)")
            // Both passes in parts: the first part, then the rest.
            let whole = try XMLBatchReader(
                path: path, displayName: path, options: BatchReadOptions(), smallestSplit: 1, linesPerPart: 400)
            let rest = try whole.splitInTwo()
            if name == "commented" {
                // The cut fell inside the comment: the first part is not a sound document, so pass 1 read the
                // file in one piece, and pass 2 does too; no ghost is read.
                #expect(rest == nil)
                #expect(
                    !expected.contains {
                        if case .document(let d, _) = $0 { d.number.hasPrefix("PAY-GHOST") } else { false }
                    })
                continue
            }
            let parts = try #require(rest, "\(name) is read in two parts")
            let first = CheckInPartsTests.items(whole)
            let second = CheckInPartsTests.items(parts)
            #expect(first.1 == nil && second.1 == nil)
            #expect(!first.0.isEmpty && !second.0.isEmpty)
            #expect(first.0 + second.0 == expected, "\(name)")
        }
    }

    @Test("a broken or invalid second half refuses the file with the same words and line as a reading in one piece")
    func refusedAsWhole() throws {
        let folder = TestFiles.makeFolder()
        let nasty = try Self.generated(orders: 1_500)
        let text = String(decoding: nasty, as: UTF8.self)
        let middle = text.index(text.startIndex, offsetBy: text.count / 2)
        let lineEnd = try #require(text[middle...].range(of: "</Line>"))
        let cases: [String: [UInt8]] = [
            "invalid": try Self.inserting("  <SalesInvoice Bogus=\"1\"/>\n", pastMiddleOf: nasty),
            "stray-text": try Self.inserting("  stray text\n", pastMiddleOf: nasty),
            "malformed": Array((text[..<lineEnd.lowerBound] + text[lineEnd.upperBound...]).utf8),
            "truncated": Array(nasty[..<(nasty.count * 4 / 5)]),
            "doctype": Array(
                text.replacingOccurrences(of: "<KCCExportBatch", with: "<!DOCTYPE x>\n<KCCExportBatch").utf8),
        ]
        for (name, bytes) in cases {
            let path = folder + "/" + name + ".xml"
            TestFiles.write(path, bytes: bytes)
            let whole = Self.read(path, inParts: false)
            let parts = Self.read(path, inParts: true)
            let refusal = try #require(whole.1, "\(name) is refused")
            #expect(parts.1 == refusal, "\(name)")
            #expect(parts.0.isEmpty)
        }
    }

    @Test("past line 65,535, where libxml2 stops counting a node's line, the second part still gives the file's line")
    func linesPastTheCount() throws {
        let nasty = try Self.generated(orders: 8_000)
        let path = TestFiles.makeFolder() + "/long.xml"
        TestFiles.write(path, bytes: nasty)
        let split = try #require(XMLSplit.find(path: path, size: nasty.count))
        let middle = try #require(split.middleOffset)
        #expect(split.cuts.count > 2, "parts of at most \(XMLSplit.linesPerPart) lines")
        // Amounts that do not add up: in the document before the second half, past line 65,535 of the first
        // half, and in the first document of the second half.
        let lastOfFirst = try #require(nasty[..<middle].lastRange(of: Array("LineNet=\"".utf8)))
        let firstOfSecond = try #require(nasty[middle...].firstRange(of: Array("LineNet=\"".utf8)))
        var broken = nasty
        for at in [firstOfSecond.upperBound, lastOfFirst.upperBound] { broken.insert(UInt8(ascii: "9"), at: at) }
        let lines = [lastOfFirst.upperBound, firstOfSecond.upperBound].map { at in
            nasty[..<at].count { $0 == UInt8(ascii: "\n") } + 1
        }
        #expect(lines.allSatisfy { $0 > 65_535 })
        TestFiles.write(path, bytes: broken)
        var findings: [Finding] = []
        let summary = BatchFile.check(path) { findings.append($0) }
        #expect(summary.heldBack.count == 2)
        #expect(Set(findings.compactMap(\.location.line)) == Set(lines))
    }

    @Test(
        "a part is cut where the element that reaches its length began, so only an element that long makes one longer")
    func longElement() throws {
        let text = String(decoding: try Self.generated(orders: 1_500), as: UTF8.self)
        // An invoice a third of the way in, given 300 more lines (its totals then disagree: held back).
        let third = text.index(text.startIndex, offsetBy: text.count / 3)
        let invoice = try #require(text[third...].range(of: "\n  <SalesInvoice "))
        let line = try #require(
            text[invoice.upperBound...].range(
                of: "\n    <Line [^\n]*\n(.*\n)*?    </Line>", options: .regularExpression))
        let long =
            text[..<line.upperBound] + String(repeating: String(text[line]), count: 300) + text[line.upperBound...]
        let path = TestFiles.makeFolder() + "/long-invoice.xml"
        TestFiles.write(path, String(long))
        let start = long[..<invoice.lowerBound].count { $0 == "\n" } + 2
        let length = String(text[line]).count { $0 == "\n" } * 301
        let split = try #require(XMLSplit.find(path: path, size: long.utf8.count, smallest: .max, linesPerPart: 400))
        #expect(split.cuts.contains { $0.line == start }, "cut where the long invoice begins")
        let lines = [1] + split.cuts.map(\.line) + [long.count { $0 == "\n" } + 1]
        for (from, to) in zip(lines, lines.dropFirst()) {
            #expect(to - from <= (from == start ? 400 + length : 400), "the part from line \(from)")
        }
        let (inParts, refusal) = Self.read(path, inParts: true)
        #expect(refusal == nil)
        #expect(inParts == Self.read(path, inParts: false).0)
    }

    @Test("parts whose file changed after its cuts were found are not used: it is read in one piece")
    func changedSinceCut() throws {
        let nasty = try Self.generated(orders: 1_500)
        let path = TestFiles.makeFolder() + "/cut.xml"
        TestFiles.write(path, bytes: nasty)
        let split = try #require(XMLSplit.find(path: path, size: nasty.count, smallest: 1, linesPerPart: 400))
        let schema = try KCCBatchSchema.compiled()
        let sound = try XMLBatchReader.firstPass(
            path, in: split, schema: schema, displayName: path, options: BatchReadOptions())
        #expect(sound?.inParts == true)
        // A line break added at the top: every line after it is one further on.
        TestFiles.write(path, bytes: Array(nasty[..<39]) + [UInt8(ascii: "\n")] + Array(nasty[39...]))
        let stale = try XMLBatchReader.firstPass(
            path, in: split, schema: schema, displayName: path, options: BatchReadOptions())
        #expect(stale == nil)
    }

    @Test("a part of a file reads as a document of its own, its lines the file's")
    func filePart() throws {
        let path = TestFiles.makeFolder() + "/part.xml"
        TestFiles.write(path, "<r>\n<a/>\n<b>\n<c/>\n</b>\n<d/>\n</r>\n")
        // The file from its third line, after a root of its own.
        let third = "<r>\n<a/>\n".utf8.count
        let reader = try XMLPullReader(
            path: path, parts: [XMLFilePart(prefix: Array("<r>\n".utf8), start: third, end: nil, lineOffset: 1)])
        #expect(try Self.starts(reader) == ["r@2", "b@3", "c@4", "d@6"])
        // The file up to its third line, then a closing tag.
        let first = try XMLPullReader(
            path: path, parts: [XMLFilePart(start: 0, end: third, suffix: Array("</r>".utf8))])
        #expect(try Self.starts(first) == ["r@1", "a@2"])
        // Three parts one after the other read as the whole file: the roots made for the cuts are passed over.
        let sixth = "<r>\n<a/>\n<b>\n<c/>\n</b>\n".utf8.count
        let parts = [
            XMLFilePart(start: 0, end: third, suffix: Array("</r>".utf8)),
            XMLFilePart(
                prefix: Array("<r>\n".utf8), start: third, end: sixth, suffix: Array("</r>".utf8), lineOffset: 1),
            XMLFilePart(prefix: Array("<r>\n".utf8), start: sixth, end: nil, lineOffset: 4),
        ]
        let whole = try XMLPullReader(path: path)
        let inParts = try XMLPullReader(path: path, parts: parts)
        #expect(try Self.elements(inParts) == Self.elements(whole))
    }

    /// Each element's start, as `name@line`, and end, as `/name`.
    static func elements(_ reader: XMLPullReader) throws -> [String] {
        var elements: [String] = []
        while let event = try reader.next() {
            switch event {
            case .startElement(let element): elements.append("\(element.name)@\(element.line)")
            case .endElement(let name, _, _): elements.append("/" + name)
            case .text: continue
            }
        }
        return elements
    }

    /// Each element's name and line, as `name@line`.
    static func starts(_ reader: XMLPullReader) throws -> [String] {
        var starts: [String] = []
        while let event = try reader.next() {
            if case .startElement(let element) = event { starts.append("\(element.name)@\(element.line)") }
        }
        return starts
    }
}
