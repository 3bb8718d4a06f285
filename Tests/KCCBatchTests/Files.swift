import DurableOutput
import KCCBatch
import KCCTestSupport

func writeFile(_ path: String, _ text: String) throws { TestFiles.write(path, text) }
func removeFile(_ path: String) { TestFiles.remove(path) }
func temporaryPath(_ suffix: String) -> String { TestFiles.temporaryPath(suffix) }
func readFile(_ path: String) -> String? { TestFiles.read(path) }
let repositoryRoot = TestFiles.repositoryRoot()

/// A generated batch with awkward text (`--nasty`), written as CSV at `path`.
func writeNastyBatch(_ path: String, orders: Int = 1_000, seed: UInt64 = 7) throws {
    let file = try DurableFile(path: path)
    try BatchGenerator(options: .init(orders: orders, seed: seed, nasty: true, firstOrder: 0))
        .generate(into: BatchFile.writer(.csv, to: file))
    try file.commit()
}
