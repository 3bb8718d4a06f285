import KCCTestSupport
import Testing

@testable import CSVStreaming

/// A record on one plain line is split at once; every other goes byte by byte. The two must never differ:
/// these tests read the same bytes both ways and hold the records, lines, problems and refusals equal.
@Suite("CSV reader: a plain line split at once reads as byte by byte")
struct PlainLineTests {
    /// Everything a reader gives for `bytes`: its records, then the error that refused the file, if any.
    private func outcome(
        _ reader: CSVReader, plainLines: Bool, wanted: [Bool]?
    ) -> (records: [CSVRecord], refusal: CSVError?) {
        reader.plainLines = plainLines
        reader.wantedFields = wanted
        var records: [CSVRecord] = []
        do {
            while let record = try reader.nextRecord() { records.append(record) }
            return (records, nil)
        } catch {
            return (records, error)
        }
    }

    /// Pieces that make plain lines and every kind of line that is not.
    private static let pieces: [[UInt8]] = [
        Array("ab".utf8), Array("7".utf8), Array("é".utf8), [0xFF], [0x80], Array(",".utf8), Array(",".utf8),
        Array(",".utf8), Array("\"".utf8), Array("\r".utf8), Array("\n".utf8), Array("\n".utf8), Array("\r\n".utf8),
        [0], Array("  ".utf8), Array("longer text".utf8), Array("\"quoted, text\"".utf8), Array("\"\"".utf8),
        Array(",\"q\",".utf8), Array("\"é\"".utf8),
    ]

    private static let variants: [(CSVReader.Options, [Bool]?)] = [
        (CSVReader.Options(), nil),
        (CSVReader.Options(), [false, true]),
        (CSVReader.Options(), [true]),
        (CSVReader.Options(), []),
        (CSVReader.Options(maxFieldBytes: 6), nil),
        (CSVReader.Options(maxFieldBytes: 6), [true, false, true]),
        (CSVReader.Options(maxFields: 4), nil),
        (CSVReader.Options(maxFields: 6), [false, true]),
        (CSVReader.Options(encoding: .windows1252), nil),
        (CSVReader.Options(encoding: .windows1252), [true, true]),
        (CSVReader.Options(delimiter: UInt8(ascii: ";")), [true]),
    ]

    @Test("random bytes of every kind: the same records, problems and refusals either way")
    func randomBytes() {
        var random = Mix(seed: 20_261_202)
        for round in 0..<6_000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.below(40) { bytes += Self.pieces[random.below(Self.pieces.count)] }
            let (options, wanted) = Self.variants[round % Self.variants.count]
            let plain = outcome(CSVReader(bytes: bytes, options: options), plainLines: true, wanted: wanted)
            let slow = outcome(CSVReader(bytes: bytes, options: options), plainLines: false, wanted: wanted)
            #expect(plain.records == slow.records, "\(bytes) \(options) \(String(describing: wanted))")
            #expect(plain.refusal == slow.refusal, "\(bytes) \(options) \(String(describing: wanted))")
        }
    }

    @Test("a file read in chunks, lines across their edges: the same either way", arguments: [nil, [false, true]])
    func chunks(wanted: [Bool]?) throws {
        var random = Mix(seed: 7)
        var text: [UInt8] = Array("a,b,c\n".utf8)
        for row in 0..<6_000 {
            text += Array("\(row),".utf8)
            for _ in 0..<random.below(12) { text += Self.pieces[random.below(6)] }
            text += Array(",x\(row)".utf8)
            // Now and then a line that is not plain, so both readings take turns.
            if row % 97 == 0 { text += Array(",\"q\nr\"".utf8) }
            if row % 5 == 0 { text += Array(",\"quoted, \(row)\"".utf8) }
            text += row % 3 == 0 ? Array("\r\n".utf8) : Array("\n".utf8)
        }
        let path = TestFiles.temporaryPath(".csv")
        TestFiles.write(path, bytes: text)
        defer { TestFiles.remove(path) }
        let plain = outcome(try CSVReader(path: path), plainLines: true, wanted: wanted)
        let slow = outcome(try CSVReader(path: path), plainLines: false, wanted: wanted)
        #expect(plain.records.count == 6_001)
        #expect(plain.records == slow.records)
        #expect(plain.refusal == nil && slow.refusal == nil)
    }
}

/// A small seeded generator (SplitMix64): the same bytes on every run.
private struct Mix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func below(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
