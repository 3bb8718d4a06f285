import DurableOutput
import KCCBatch
import KCCModel
import KCCTestSupport
import Testing

@Suite("Reading ahead on a thread of its own")
struct ReadAheadTests {
    /// Every item of `path`, and the refusal if one ends it.
    static func items(_ path: String, readAhead: Bool) -> ([BatchItem], FileRefusal?) {
        var options = BatchReadOptions()
        options.readAhead = readAhead
        var items: [BatchItem] = []
        do {
            let reader = try BatchFile.open(path, options: options)
            while let item = try reader.next() { items.append(item) }
            return (items, nil)
        } catch {
            return (items, error)
        }
    }

    @Test("the same items in the same order as reading in line, for good, broken and refused batches")
    func sameItems() throws {
        let root = TestFiles.repositoryRoot()
        let folder = TestFiles.makeFolder()
        let generated = folder + "/big.csv"
        try writeNastyBatch(generated)
        for path in [
            root + "/samples/batch-2026-11.csv", root + "/samples/batch-2026-11.xml",
            root + "/samples/broken-batch.csv",
            generated,
        ] {
            let inLine = Self.items(path, readAhead: false)
            let ahead = Self.items(path, readAhead: true)
            #expect(ahead.0 == inLine.0, "\(path)")
            #expect(ahead.1 == inLine.1)
        }
        #expect(Self.items(generated, readAhead: true).0.count > 1_000)
    }

    @Test("a reader dropped half way stops its thread (nothing hangs)")
    func droppedEarly() throws {
        var options = BatchReadOptions()
        options.readAhead = true
        for _ in 0..<20 {
            let reader = try BatchFile.open(TestFiles.repositoryRoot() + "/samples/batch-2026-11.csv", options: options)
            _ = try reader.next()
        }
    }
}
