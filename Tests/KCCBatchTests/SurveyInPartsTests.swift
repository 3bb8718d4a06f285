import CSVStreaming
import DurableOutput
import Foundation
import KCCModel
import KCCTestSupport
import Testing

@testable import KCCBatch

@Suite("Surveying a CSV batch in two parts, one on each core")
struct SurveyInPartsTests {
    /// What a survey of `path` found, and the hash of the bytes its reader read (the whole file, in order).
    struct Surveyed {
        var survey: BatchSurvey
        var middle: [Int]?
        var rows: Int
        var sha256: String
        var parts: Int
    }

    /// The survey of `path` in one pass, or in two parts wherever a second can start.
    static func survey(_ path: String, inParts: Bool) throws(BatchFileError) -> Surveyed {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let options = CSVReader.Options()
        let reader: CSVReader
        let headerRecord: CSVRecord?
        let digest = HashBox()
        do {
            reader = try CSVReader(path: path, options: options)
            reader.onChunk = { digest.hash.update($0) }
            headerRecord = try reader.nextRecord()
        } catch {
            throw BatchFileError(at: SourceLocation(file: file), because: error)
        }
        guard let headerRecord else {
            throw BatchFileError(at: SourceLocation(file: file), "no header")
        }
        let header = try CSVBatchHeader(headerRecord, file: file)
        reader.wantedFields = header.mask(of: [.docNumber, .recordType, .orderNumber])
        let found = try CSVSurvey.run(
            reader, path: path, stamp: FileStamp(reader.fileStatus()), header: header, options: options, file: file,
            splittingFrom: inParts ? 1 : .max
        ) { (_: Int) throws(BatchFileError) in }
        return Surveyed(
            survey: found.survey, middle: found.middle.map { [$0.offset, $0.line] }, rows: found.rows,
            sha256: digest.hash.finalizeHex(), parts: found.parts)
    }

    final class HashBox {
        var hash = SHA256()
    }

    /// Writes `rows` to a new file; its path.
    static func write(_ rows: [String], _ name: String) throws -> String {
        let path = temporaryPath("-" + name)
        try writeFile(path, rows.joined())
        return path
    }

    /// Where the second part of `path` would start, and the rows either side of it.
    static func split(of path: String) throws -> (offset: Int, before: String, after: String)? {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let headerEnd = (bytes.firstIndex(of: 0x0A) ?? 0) + 1
        guard let split = CSVSurvey.splitPoint(path, from: headerEnd, half: bytes.count / 2, size: bytes.count)
        else { return nil }
        let start = bytes[..<(split.offset - 1)].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let end = bytes[split.offset...].firstIndex(of: 0x0A) ?? bytes.count
        #expect(bytes[..<split.offset].count { $0 == 0x0A } + 1 == split.line, "the line numbered from the breaks")
        return (
            split.offset, String(decoding: bytes[start..<(split.offset - 1)], as: UTF8.self),
            String(decoding: bytes[split.offset..<end], as: UTF8.self)
        )
    }

    /// Whether the two surveys answer alike about every number of `rows`: its invoice's order, its lines.
    static func sameAnswers(_ a: BatchSurvey, _ b: BatchSurvey, _ rows: [String]) -> Bool {
        rows.map(number).allSatisfy {
            a.orderNumber(ofInvoice: $0) == b.orderNumber(ofInvoice: $0)
                && a.duplicateLines(of: $0) == b.duplicateLines(of: $0)
        }
    }

    static func number(_ row: String) -> String {
        row.split(separator: ",", omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? ""
    }

    @Test(
        "in two parts it finds what one pass finds, wherever the middle falls: numbers, duplicates, orders, the middle, rows and the hash"
    )
    func sameAsOnePass() throws {
        let rows = try CheckInPartsTests.generatedRows(orders: 400)
        var straddled = 0
        for cut in stride(from: 150, to: rows.count, by: 37) + [rows.count] {
            let path = try Self.write(Array(rows[..<cut]), "cut-\(cut).csv")
            let (one, two) = (try Self.survey(path, inParts: false), try Self.survey(path, inParts: true))
            #expect(one.survey == two.survey && one.middle == two.middle && one.rows == two.rows, "cut at \(cut)")
            #expect(one.parts == 1 && two.parts == 2, "cut at \(cut)")
            #expect(Self.sameAnswers(one.survey, two.survey, Array(rows[..<cut])), "cut at \(cut)")
            #expect(two.sha256 == SHA256.hexDigest(ofFile: path), "every byte hashed once, in order (cut at \(cut))")
            let split = try #require(try Self.split(of: path))
            if Self.number(split.before) == Self.number(split.after) { straddled += 1 }
        }
        #expect(straddled > 0, "some cut puts the second part's start inside a document's rows")
    }

    @Test("numbers used in both halves are duplicates with every line in file order, and the first invoice's order")
    func duplicatesAcrossHalves() throws {
        let rows = try CheckInPartsTests.generatedRows(orders: 300)
        let body = Array(rows.dropFirst())
        // The first rows again at the end, and the last rows again at the start.
        let path = try Self.write([rows[0]] + body.suffix(25) + body + body.prefix(25), "dups.csv")
        let (one, two) = (try Self.survey(path, inParts: false), try Self.survey(path, inParts: true))
        #expect(one.survey == two.survey && one.middle == two.middle && one.rows == two.rows && two.parts == 2)
        #expect(Self.sameAnswers(one.survey, two.survey, rows))
        let first = Self.number(body[0])
        let lines = try #require(two.survey.duplicateLines(of: first))
        #expect(lines.count == 2 && lines[0] < lines[1])
    }

    @Test(
        "a stray quote that misleads the count: the second part starts inside a quoted cell, is dropped, and the first reads on"
    )
    func misledByAStrayQuote() throws {
        var rows = try CheckInPartsTests.generatedRows(orders: 300)
        // A stray quote in an unquoted cell early on: a single pass reads it as a character.
        rows[5] = rows[5].replacingOccurrences(of: ",Card,", with: ",Ca\"rd,")
        #expect(rows[5].contains("\""))
        // Just past the middle, a quoted description holding a line break: with the count off by one, the
        // break inside it looks like the end of a row.
        let middle = rows.count / 2 + 3
        var cells = rows[middle].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[22] = "\"two\nlines\""
        rows[middle] = cells.joined(separator: ",")
        let path = try Self.write(rows, "stray.csv")
        let split = try #require(try Self.split(of: path))
        #expect(split.before.hasSuffix("\"two") && split.after.hasPrefix("lines\""), "the wrong place, as meant")
        let (one, two) = (try Self.survey(path, inParts: false), try Self.survey(path, inParts: true))
        #expect(one.survey == two.survey && one.middle == two.middle && one.rows == two.rows)
        #expect(two.parts == 1, "the second part's work dropped")
        #expect(two.sha256 == SHA256.hexDigest(ofFile: path))
    }

    @Test("blank lines where the second part starts: its first document is noted on its own line, as in one pass")
    func blankLinesAtTheSplit() throws {
        let rows = try CheckInPartsTests.generatedRows(orders: 300)
        let body = Array(rows.dropFirst())
        // A document starting past the middle, with three blank lines before it; blank lines at the end move the
        // file's middle into the row before them, so the second part starts on the first blank line.
        let k = try #require(
            (body.count * 3 / 4..<body.count).first { Self.number(body[$0]) != Self.number(body[$0 - 1]) })
        let before = ([rows[0]] + body[..<(k - 1)]).map(\.utf8.count).reduce(0, +)
        let rest = [body[k - 1], "\n", "\n", "\n"] + body[k...] + [body[k]]
        let length = before + rest.map(\.utf8.count).reduce(0, +)
        let padding = String(repeating: "\n", count: max(2 * before - length + 2, 0))
        let path = try Self.write([rows[0]] + body[..<(k - 1)] + rest + [padding], "blank.csv")
        let split = try #require(try Self.split(of: path))
        #expect(split.after.isEmpty, "the second part starts on a blank line")
        let (one, two) = (try Self.survey(path, inParts: false), try Self.survey(path, inParts: true))
        #expect(one.survey == two.survey && one.middle == two.middle && one.rows == two.rows && two.parts == 2)
        #expect(Self.sameAnswers(one.survey, two.survey, rows))
        #expect(two.survey.duplicateLines(of: Self.number(body[k]))?.count == 2)
    }

    @Test("more than a chunk before the first row (blank lines above the header): surveyed as one pass surveys it")
    func longStart() throws {
        let rows = try CheckInPartsTests.generatedRows(orders: 300)
        let path = try Self.write([String(repeating: "\r\n", count: 700_000)] + rows, "long-start.csv")
        let (one, two) = (try Self.survey(path, inParts: false), try Self.survey(path, inParts: true))
        #expect(one.survey == two.survey && one.middle == two.middle && one.rows == two.rows && two.parts == 2)
    }

    @Test("a file refused in its second half is refused as one pass refuses it: the same message and line")
    func refusalInTheSecondHalf() throws {
        var rows = try CheckInPartsTests.generatedRows(orders: 300)
        let late = rows.count * 3 / 4
        // More cells than a record may have.
        rows[late] = String(rows[late].dropLast()) + String(repeating: ",", count: 1_200) + "\n"
        let path = try Self.write(rows, "wide.csv")
        func refusal(_ inParts: Bool) -> String {
            do {
                _ = try Self.survey(path, inParts: inParts)
                return "not refused"
            } catch {
                return error.finding.description
            }
        }
        #expect(refusal(false) == refusal(true))
        #expect(refusal(true).contains(":\(late + 1):"), "\(refusal(true))")
    }
}
