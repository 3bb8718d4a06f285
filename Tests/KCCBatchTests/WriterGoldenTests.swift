import DurableOutput
import Foundation
import KCCBatch
import KCCTestSupport
import Testing

@Suite("The batch writers against golden files")
struct WriterGoldenTests {
    static let golden = TestFiles.repositoryRoot() + "/Tests/KCCBatchTests/Golden"

    @Test(
        "a generated batch (seed 7, 6 orders, nasty) in both encodings, byte for byte",
        arguments: [BatchFile.Encoding.csv, .xml])
    func generated(encoding: BatchFile.Encoding) throws {
        let sink = MemorySink()
        try BatchGenerator(options: .init(orders: 6, seed: 7, nasty: true)).generate(
            into: BatchFile.writer(encoding, to: sink))
        let path = Self.golden + "/generated-seed7-nasty." + encoding.rawValue
        if ProcessInfo.processInfo.environment["KCCBRIDGE_UPDATE_GOLDEN"] == "1" {
            TestFiles.write(path, bytes: sink.bytes)
            return
        }
        #expect(sink.text == TestFiles.read(path), "the \(encoding.rawValue) writer's output differs from \(path)")
    }
}
