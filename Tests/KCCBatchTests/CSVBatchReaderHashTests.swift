import DurableOutput
import KCCBatch
import KCCTestSupport
import Testing

@Suite("The CSV reader hashes the file as it surveys it")
struct CSVBatchReaderHashTests {
    @Test("the SHA-256 of the survey's read is the file's, with or without a byte-order mark")
    func hashOfTheRead() throws {
        let sample = TestFiles.repositoryRoot() + "/samples/batch-2026-11.csv"
        let reader = try BatchFile.open(sample)
        #expect(reader.sha256 != nil && reader.sha256 == SHA256.hexDigest(ofFile: sample))
        let folder = TestFiles.makeFolder()
        let marked = folder + "/marked.csv"
        TestFiles.write(marked, bytes: [0xEF, 0xBB, 0xBF] + Array(try #require(TestFiles.read(sample)).utf8))
        #expect(try BatchFile.open(marked).sha256 == SHA256.hexDigest(ofFile: marked))
        #expect(try BatchFile.open(TestFiles.repositoryRoot() + "/samples/batch-2026-11.xml").sha256 == nil)
    }
}
