import ArgumentParser
import DurableOutput
import KCCBatch

/// `kccbridge generate`: writes a valid synthetic batch.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a valid synthetic KCC batch for demos, tests and benchmarks.",
        discussion:
            "The same --seed always gives the same batch. Writes to standard output unless --output is given; an existing file is never overwritten."
    )

    @Option(
        help:
            "How many sales orders to make (each gives an invoice or a cancelled-order credit note, and sometimes a prepayment and a partial return)."
    )
    var orders: Int

    @Option(help: "Seed of the random choices.")
    var seed: UInt64 = 1

    @Option(help: "csv or xml.", completion: .list(BatchFile.Encoding.allCases.map(\.rawValue)))
    var format: String = "csv"

    @Option(
        name: .customLong("first-order"),
        help:
            "Number the orders from this one (SO-71000 + N, INV-300000 + N …), so several batches can follow each other."
    )
    var firstOrder: Int = 0

    @Flag(help: "Add commas, quotes, line breaks, non-Latin names and formula-like text.")
    var nasty = false

    @Option(help: "Write here instead of standard output.", completion: .file(extensions: ["csv", "xml"]))
    var output: String?

    func validate() throws {
        guard orders >= 0 else { throw ValidationError("--orders must be 0 or more") }
        guard (0...10_000_000).contains(firstOrder) else {
            throw ValidationError("--first-order must be from 0 to 10000000")
        }
        _ = try chosenEncoding()
    }

    /// The encoding `--format` names, in either case.
    private func chosenEncoding() throws(ValidationError) -> BatchFile.Encoding {
        guard let encoding = BatchFile.Encoding(rawValue: format.lowercased()) else {
            throw ValidationError("--format must be csv or xml, not '\(format)'")
        }
        return encoding
    }

    func run() throws {
        // Never throws: validate() has checked it.
        let encoding = try chosenEncoding()
        let generator = BatchGenerator(options: .init(orders: orders, seed: seed, nasty: nasty, firstOrder: firstOrder))
        do {
            if let output {
                let file = try DurableFile(path: output)
                try generator.generate(into: BatchFile.writer(encoding, to: file))
                try file.commit()
            } else {
                try generator.generate(into: BatchFile.writer(encoding, to: StandardOutputSink()))
            }
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.nothingWritten)
        }
    }
}
