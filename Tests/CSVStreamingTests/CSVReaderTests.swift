import CSVStreaming
import KCCTestSupport
import Testing

private func records(_ text: String, _ options: CSVReader.Options = .init()) throws -> [CSVRecord] {
    try CSVReader(bytes: Array(text.utf8), options: options).readAll()
}

private func records(bytes: [UInt8], _ options: CSVReader.Options = .init()) throws -> [CSVRecord] {
    try CSVReader(bytes: bytes, options: options).readAll()
}

@Suite("CSV reader: RFC 4180 over bytes")
struct CSVReaderTests {
    @Test("quoted commas, quotes, CR and LF stay inside their field")
    func quoting() throws {
        let rows = try records("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n")
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\r\nlines"]])
        #expect(rows.map(\.line) == [1, 2])
        #expect(rows.allSatisfy { $0.problems.isEmpty })
    }

    @Test("LF and CRLF endings, with and without a final newline")
    func lineEndings() throws {
        #expect(try records("a,b\nc,d").map(\.fields) == [["a", "b"], ["c", "d"]])
        #expect(try records("a,b\r\nc,d\r\n").map(\.fields) == [["a", "b"], ["c", "d"]])
    }

    @Test("a byte-order mark is dropped before the header")
    func bom() throws {
        #expect(
            try records(bytes: [0xEF, 0xBB, 0xBF] + Array("Name,Amount\n".utf8)).first?.fields == ["Name", "Amount"])
    }

    @Test("\"\" is an empty field, distinct from a quote; empty trailing fields count")
    func emptyFields() throws {
        #expect(try records("\"\",a,,\n").first?.fields == ["", "a", "", ""])
    }

    @Test("blank lines are passed over and line numbers stay true")
    func blankLines() throws {
        let rows = try records("h\n\n\nx\n\"multi\nline\"\ny\n")
        #expect(rows.map(\.fields) == [["h"], ["x"], ["multi\nline"], ["y"]])
        #expect(rows.map(\.line) == [1, 4, 5, 7])
    }

    @Test("a quote followed by a combining mark does not merge with it (bytes, not Characters)")
    func combiningMark() throws {
        let rows = try records("\"a\"\u{301},b\n")
        #expect(rows.first?.problems.first?.code == .strayQuote)
        let clean = try records("\"e\u{301}\",b\n")
        #expect(clean.first?.fields == ["e\u{301}", "b"])
    }

    @Test("a stray quote in an unquoted field is a problem of that record only")
    func strayQuote() throws {
        let rows = try records("a,b\"c,d\ne,f\n")
        #expect(rows[0].problems.map(\.code) == [.strayQuote])
        #expect(rows[0].problems.first?.fieldIndex == 1)
        #expect(rows[1].problems.isEmpty)
    }

    @Test("an unterminated quote refuses the file and names the line it opened on")
    func unterminated() {
        #expect(throws: CSVError(.unterminatedQuote, line: 2)) { try records("a,b\nc,\"never closed\nmore\n") }
    }

    @Test("invalid UTF-8 is a problem of that field, with a hint about Windows-1252")
    func invalidUTF8() throws {
        let rows = try records(bytes: Array("a,b\n".utf8) + [0x43, 0x61, 0x66, 0xE9] + Array(",x\n".utf8))
        #expect(rows[1].problems.map(\.code) == [.invalidEncoding(.utf8)])
        #expect(rows[1].problems[0].description.contains("windows-1252"))
    }

    @Test("Windows-1252 only when asked, and the five unassigned bytes are refused")
    func windows1252() throws {
        let options = CSVReader.Options(encoding: .windows1252)
        let rows = try records(bytes: [0x43, 0x61, 0x66, 0xE9, 0x2C, 0x80, 0x0A], options)
        #expect(rows.first?.fields == ["Café", "€"])
        let bad = try records(bytes: [0x81, 0x0A], options)
        #expect(bad.first?.problems.map(\.code) == [.invalidEncoding(.windows1252)])
    }

    @Test("NUL bytes and bare carriage returns are record problems")
    func controlBytes() throws {
        #expect(try records(bytes: [0x61, 0x00, 0x62, 0x0A]).first?.problems.map(\.code) == [.nulByte])
        #expect(try records("a\rb,c\n").first?.problems.map(\.code) == [.bareCarriageReturn])
    }

    @Test("a gigantic field refuses the file instead of eating memory")
    func gigantic() {
        let options = CSVReader.Options(maxFieldBytes: 1000)
        #expect(throws: CSVError(.fieldTooLong(limit: 1000), line: 2)) {
            try records("a\n\"" + String(repeating: "x", count: 5000) + "\"\n", options)
        }
    }

    @Test("header-only and empty files")
    func emptyFiles() throws {
        #expect(try records("").isEmpty)
        #expect(try records("a,b,c\n").count == 1)
    }

    @Test("ragged rows are returned as they are; the caller judges them")
    func ragged() throws {
        #expect(try records("a,b,c\n1,2\n1,2,3,4\n").map(\.fields.count) == [3, 2, 4])
    }

    @Test("reading a file streams across chunk boundaries")
    func fileChunks() throws {
        let path = TestFiles.temporaryPath(".csv")
        var text = "id,text\n"
        for i in 0..<20_000 { text += "\(i),\"row \(i), with \"\"quotes\"\"\nand a break\"\n" }
        TestFiles.write(path, text)
        defer { TestFiles.remove(path) }
        let reader = try CSVReader(path: path)
        var count = 0
        while let record = try reader.nextRecord() {
            if count > 0 {
                #expect(record.fields == ["\(count - 1)", "row \(count - 1), with \"quotes\"\nand a break"])
            }
            count += 1
        }
        #expect(count == 20_001)
    }
}

@Suite("CSV writer")
struct CSVWriterTests {
    @Test("quotes only what must be quoted, doubles quotes, ends with CRLF")
    func writes() {
        let bytes = CSVWriter().encode(["plain", "a,b", "say \"hi\"", "two\nlines", " padded", "", "-12.50"])
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",,-12.50\r\n")
    }

    @Test(
        "what the writer writes, the reader reads back",
        arguments: [
            ["a", "b"], ["x, y", "\"q\"", "l1\r\nl2"], ["", "", ""], ["=SUM(A1)", "Zoë", "山田"],
        ])
    func roundTrip(fields: [String]) throws {
        let bytes = CSVWriter().encode(fields)
        #expect(try CSVReader(bytes: bytes).readAll().first?.fields == fields)
    }

    @Test("formula-like cells follow the chosen policy; safe text is untouched")
    func formulaPolicy() {
        #expect(TextCellPolicy.escape.apply("=SUM(A1)") == .changed("'=SUM(A1)"))
        #expect(TextCellPolicy.strip.apply("=+SUM(A1)") == .changed("SUM(A1)"))
        #expect(TextCellPolicy.refuse.apply("@home") == .refused)
        #expect(TextCellPolicy.escape.apply("Smith") == .unchanged("Smith"))
        for trigger in ["=", "+", "-", "@", "\t", "\r", "\n"] {
            #expect(TextCellPolicy.looksLikeFormula(trigger + "x"))
        }
    }
}

@Test("a file whose lines end in bare carriage returns is refused with a message that says so")
func bareCarriageReturnFile() {
    var text = "a,b"
    for i in 0..<1200 { text += "\r\(i),\(i)" }
    #expect(throws: CSVError(.bareCarriageReturnLines, line: 1)) { try CSVReader(bytes: Array(text.utf8)).readAll() }
}

@Suite("CSV reader: a pass that wants a few columns")
struct WantedFieldsTests {
    private func reader(_ text: String, wanted: [Bool], _ options: CSVReader.Options = .init()) -> CSVReader {
        let reader = CSVReader(bytes: Array(text.utf8), options: options)
        reader.wantedFields = wanted
        return reader
    }

    @Test("fields not wanted come back empty; after the last wanted one a plain line is passed over whole")
    func passedOver() throws {
        let text = "a,b,c,d\n1,\"x\"\"y\",3,4\nq,r,\"s\nt\",u\nv,w,x,y"
        let rows = try reader(text, wanted: [false, true]).readAll()
        #expect(rows.map(\.line) == [1, 2, 3, 5])
        // The second field is read whole; the rest of a line without quotes is not looked at (the last line,
        // with no line feed to find, is read to its end).
        #expect(rows.map(\.fields) == [["", "b"], ["", "x\"y"], ["", "r", "", ""], ["", "w", "", ""]])
        let all = try CSVReader(bytes: Array(text.utf8)).readAll()
        #expect(all.map(\.line) == rows.map(\.line))
        #expect(zip(all, rows).allSatisfy { $0.fields[1] == $1.fields[1] })
    }

    @Test("the limits that refuse a file refuse it as surely when its columns are not wanted")
    func limitsStand() {
        let long = "h1,h2\nx," + String(repeating: "z", count: 40) + "\n"
        #expect(throws: CSVError(.fieldTooLong(limit: 16), line: 2)) {
            try reader(long, wanted: [true], CSVReader.Options(maxFieldBytes: 16)).readAll()
        }
        let wide = "a\n" + Array(repeating: "1", count: 12).joined(separator: ",") + "\n"
        #expect(throws: CSVError(.tooManyFields(limit: 10), line: 2)) {
            try reader(wide, wanted: [true], CSVReader.Options(maxFields: 10)).readAll()
        }
        #expect(throws: CSVError(.unterminatedQuote, line: 2)) {
            try reader("a,b\nx,\"open\n", wanted: [true]).readAll()
        }
    }
}
