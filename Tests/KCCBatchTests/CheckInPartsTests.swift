import DurableOutput
import Glibc
import KCCModel
import KCCTestSupport
import Synchronization
import Testing

@testable import KCCBatch

@Suite("Checking a CSV batch in two parts, one on each core")
struct CheckInPartsTests {
    /// Every item a reader gives, and the refusal if one ends it.
    static func items(_ reader: any BatchReader) -> ([BatchItem], FileRefusal?) {
        var items: [BatchItem] = []
        do {
            while let item = try reader.next() { items.append(item) }
            return (items, nil)
        } catch {
            return (items, error)
        }
    }

    /// Every item of `path` read in line, by one reader.
    static func inLine(_ path: String) throws -> [BatchItem] {
        let (items, refusal) = Self.items(try BatchFile.open(path))
        #expect(refusal == nil)
        return items
    }

    /// The rows of a generated batch (no quoted line breaks), its header first.
    static func generatedRows(orders: Int) throws -> [String] {
        let sink = MemorySink()
        try BatchGenerator(options: .init(orders: orders, seed: 11)).generate(into: BatchFile.writer(.csv, to: sink))
        return sink.bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) + "\n" }
    }

    /// `row` with its record type and number replaced.
    static func retyped(_ row: String, type: String, number: String) -> String {
        var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[0] = type
        cells[1] = number
        return cells.joined(separator: ",")
    }

    /// A batch with errors and warnings in both halves: bad amounts and dates, rows without a number,
    /// unknown record types, short rows, a number used twice, blank lines.
    static func brokenBatch(at path: String) throws {
        let rows = try generatedRows(orders: 600)
        var out = rows[0]
        for (index, row) in rows.dropFirst().enumerated() {
            var cells = row.dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            switch index % 37 {
            case 3: cells[3] = "2026-13-40"
            case 8: cells[1] = ""
            case 15: cells[0] = "QUOTE"
            case 21: cells.removeLast(2)
            case 26 where cells.count > 30: cells[28] = "12.3x"
            case 30: cells[1] = "INV-300010"
            case 33: out += "\n"
            default: break
            }
            out += cells.joined(separator: ",") + "\n"
        }
        TestFiles.write(path, out)
    }

    @Test("the two parts give exactly what one reader gives, and check counts and reports the same")
    func sameAsInLine() throws {
        let root = TestFiles.repositoryRoot()
        let folder = TestFiles.makeFolder()
        let nasty = folder + "/nasty.csv"
        try writeNastyBatch(nasty)
        let broken = folder + "/broken.csv"
        try Self.brokenBatch(at: broken)

        for path in [root + "/samples/batch-2026-11.csv", root + "/samples/broken-batch.csv", nasty, broken] {
            let expected = try Self.inLine(path)
            let whole = try #require(try BatchFile.open(path) as? CSVBatchReader)
            let rest = try #require(try whole.splitInTwo(), "\(path) has a document past its middle")
            let first = Self.items(whole)
            let second = Self.items(rest)
            #expect(first.1 == nil && second.1 == nil)
            #expect(!first.0.isEmpty && !second.0.isEmpty)
            #expect(first.0 + second.0 == expected, "\(path)")

            var findings: [Finding] = []
            var counted = 0
            let summary = BatchFile.check(path, report: { findings.append($0) }, counted: { counted += $0 })
            let expectedFindings = expected.compactMap { item -> Finding? in
                if case .finding(let finding) = item { return finding }
                return nil
            }
            #expect(findings == expectedFindings, "\(path)")
            #expect(summary.documentsRead == expected.count - expectedFindings.count)
            #expect(counted == summary.documentsRead)
        }
        #expect(
            try Self.inLine(broken).contains { if case .finding(let f) = $0 { f.severity == .error } else { false } })
    }

    @Test("a stop asked for while the second part holds only errors ends the check, as in one pass")
    func stopInSecondPart() throws {
        let rows = try Self.generatedRows(orders: 6_000)
        // Every document of the second half held back (an unknown currency): it gives findings only.
        var text = rows[0]
        for (index, row) in rows.dropFirst().enumerated() {
            var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if index >= rows.count / 2 { cells[14] = "GPB" }
            text += cells.joined(separator: ",")
        }
        let path = TestFiles.makeFolder() + "/second-half-held.csv"
        TestFiles.write(path, text)
        // Asked to stop once an error has been reported: only the second part has any.
        let errors = Mutex(0)
        var options = BatchReadOptions()
        options.progress = WorkProgress(onAdvance: { _, _, _, _ in }, shouldStop: { errors.withLock { $0 > 0 } })
        let summary = BatchFile.check(
            path, options: options, report: { finding in if finding.severity == .error { errors.withLock { $0 += 1 } } }
        )
        #expect(summary.interrupted)
        #expect(errors.withLock { $0 } > 0)
        #expect(summary.heldBack.count < 3_000, "stopped before the end")
    }

    @Test(
        "a file changed since the survey is refused when a part is opened, not read from a middle that may have moved")
    func changedSinceSurvey() throws {
        let rows = try Self.generatedRows(orders: 300)
        let path = TestFiles.makeFolder() + "/changing.csv"
        TestFiles.write(path, rows.joined())
        let unchanged = try #require(try BatchFile.open(path) as? CSVBatchReader)
        #expect(try unchanged.splitInTwo() != nil)
        let changed = try #require(try BatchFile.open(path) as? CSVBatchReader)
        TestFiles.write(path, "x" + rows.joined())
        #expect(Self.refusedAsChanged { try changed.splitInTwo() })

        // Replaced under its name: the parts would read another file than the one each has open.
        TestFiles.write(path, rows.joined())
        let replaced = try #require(try BatchFile.open(path) as? CSVBatchReader)
        TestFiles.write(path + ".new", rows.joined())
        #expect(rename(path + ".new", path) == 0)
        #expect(Self.refusedAsChanged { try replaced.splitInTwo() })

        // Edited in place to the same size, its modification time put back: the status change time tells, and
        // the file is read in one pass, its middle not trusted.
        let edited = try #require(try BatchFile.open(path) as? CSVBatchReader)
        var before = stat()
        #expect(stat(path, &before) == 0)
        TestFiles.write(path, "Y" + rows.joined().dropFirst())
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(try edited.splitInTwo() == nil)

        // Only its status changed (its mode, a second link, its access time set): not refused, read in one pass.
        TestFiles.write(path, rows.joined())
        let chmodded = try #require(try BatchFile.open(path) as? CSVBatchReader)
        #expect(chmod(path, 0o600) == 0)
        #expect(link(path, path + ".link") == 0)
        #expect(try chmodded.splitInTwo() == nil)
        var read = 0
        while let item = try chmodded.next() { if case .document = item { read += 1 } }
        #expect(read > 0)
    }

    /// Whether `body` refuses the file because it changed while it was read.
    static func refusedAsChanged(_ body: () throws -> Any?) -> Bool {
        do {
            _ = try body()
            return false
        } catch let refusal as BatchFileError {
            return refusal.message.hasPrefix("the file changed while it was being read")
        } catch {
            return false
        }
    }

    @Test(
        "a batch written to while its survey reads it, or between its two passes, is refused whole (CSV, in one part and in two, and XML)",
        arguments: ["csv-small", "csv-parts", "xml", "xml-parts"])
    func changedWhileRead(_ kind: String) throws {
        let orders = kind.hasSuffix("-parts") ? 12_000 : 3_000
        let folder = TestFiles.makeFolder()
        let xml = kind.hasPrefix("xml")
        let path = folder + "/growing." + (xml ? "xml" : "csv")
        let sink = MemorySink()
        try BatchGenerator(options: .init(orders: orders, seed: 5))
            .generate(into: BatchFile.writer(xml ? .xml : .csv, to: sink))
        let text = sink.bytes
        TestFiles.write(path, bytes: text)
        if kind == "csv-parts" { #expect(text.count >= CSVSurvey.smallestSplit, "large enough to survey in two parts") }
        if kind == "xml-parts" {
            #expect(XMLSplit.find(path: path, size: text.count)?.halves != nil, "read in two halves")
        }
        let appendOnce = Mutex(false)
        func append() {
            let first = appendOnce.withLock { done in
                defer { done = true }
                return !done
            }
            guard first else { return }
            let fd = open(path, O_WRONLY | O_APPEND)
            _ = "\n".withCString { Glibc.write(fd, $0, 1) }
            close(fd)
        }
        // During the survey (pass 1): its own end finds the file grown.
        var options = BatchReadOptions()
        options.progress = WorkProgress(onAdvance: { step, _, _, _ in if step == .surveying { append() } })
        #expect(Self.refusedAsChanged { try BatchFile.open(path, options: options) })
        TestFiles.write(path, bytes: text)
        appendOnce.withLock { $0 = false }
        var findings: [Finding] = []
        let summary = BatchFile.check(path, options: options) { findings.append($0) }
        #expect(summary.refused || findings.contains { $0.message.hasPrefix("the file changed") })

        // During pass 2, after its documents began to be handed out: the end of the pass finds it grown.
        TestFiles.write(path, bytes: text)
        appendOnce.withLock { $0 = false }
        options.progress = WorkProgress(onAdvance: { step, _, _, _ in if step == .reading { append() } })
        let reader = try BatchFile.open(path, options: options)
        var handedOut = 0
        #expect(
            Self.refusedAsChanged {
                while let item = try reader.next() { if case .document = item { handedOut += 1 } }
                return nil
            })
        #expect(handedOut > 0, "the change came after documents were handed out")
    }

    @Test("no part starts after a row without a number: the rows of a skipped document after it stay skipped")
    func notAfterARowWithoutNumber() throws {
        let rows = try Self.generatedRows(orders: 300)
        let cut = rows.count * 2 / 3
        let quote = Self.retyped(rows[cut], type: "QUOTE", number: "Q-1")
        // The quotation Q-1, a row without a number, and Q-1 again: read in line, the third row is skipped
        // with the first. The middle of the file falls just before it.
        let head = rows[..<cut].joined() + quote + Self.retyped(rows[cut], type: "INVOICE", number: "")
        let tail = quote + rows[(cut + 1)...].joined()
        let total = 2 * head.utf8.count - 2
        #expect(head.utf8.count + tail.utf8.count <= total)
        let path = TestFiles.makeFolder() + "/quote.csv"
        TestFiles.write(path, head + tail + String(repeating: "\n", count: total - head.utf8.count - tail.utf8.count))

        let expected = try Self.inLine(path)
        let whole = try #require(try BatchFile.open(path) as? CSVBatchReader)
        let rest = try #require(try whole.splitInTwo())
        let first = Self.items(whole).0
        #expect(first + Self.items(rest).0 == expected)
        #expect(expected.filter { if case .finding(let f) = $0 { f.document == "Q-1" } else { false } }.count == 1)
    }
}
