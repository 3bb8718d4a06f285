import KCCModel
import Synchronization

/// Reads a batch to the end and counts what a run would use and hold back:
/// what `kccbridge check` reports, and what every later command relies on.
public struct BatchCheckSummary: Sendable, Hashable {
    public var file: String
    /// Documents that passed every check.
    public var documentsRead = 0
    /// Numbers of documents held back by an error.
    public var heldBack: Set<String> = []
    /// Errors that hold back no single document (a skipped row, a refused file).
    public var otherErrors = 0
    public var warnings = 0
    /// The whole file was refused; nothing from it may be used.
    public var refused = false
    /// Reading stopped because a person asked (Ctrl-C); the file counts as refused, nothing of it used.
    public var interrupted = false

    public init(file: String) {
        self.file = file
    }

    /// Anything that needs a person: a document held back, a row skipped, a file refused.
    public var hasErrors: Bool { refused || !heldBack.isEmpty || otherErrors > 0 }

    /// Counts one finding.
    public mutating func count(_ finding: Finding) {
        switch finding.severity {
        case .error:
            if let document = finding.document { heldBack.insert(document) } else { otherErrors += 1 }
        case .warning:
            warnings += 1
        case .note:
            break
        }
    }
}

/// A reader whose file can be read in two parts at once, one on each core.
protocol TwoPartReader: BatchReader {
    /// Makes this reader stop at the middle of its file and returns a reader of the rest (or `nil`): the
    /// two give, one after the other, exactly what this reader alone would.
    func splitInTwo() throws(BatchFileError) -> (any TwoPartReader)?
    /// How far into the file reading has got, in bytes.
    var bytesRead: Int { get }
    /// Bytes read elsewhere (by the reader of the other part, on its own thread), added to this reader's
    /// own in the progress it reports.
    var readElsewhere: (() -> Int)? { get set }
}

extension BatchFile {
    /// Reads `path` to the end, handing every finding to `report` as it is found, telling `counted` how
    /// many more documents passed as they are counted (for progress), and, when given, every good document
    /// to `accept`.
    ///
    /// A refused file reports one error finding and counts no documents.
    public static func check(
        _ path: String, displayName: String? = nil, options: BatchReadOptions = BatchReadOptions(),
        report: (Finding) -> Void, counted: ((Int) -> Void)? = nil,
        accept: ((Document, SourceLocation) -> Void)? = nil
    ) -> BatchCheckSummary {
        let name = displayName ?? path
        var summary = BatchCheckSummary(file: name)
        do {
            let reader = try open(path, displayName: name, options: options)
            // Without documents to hand on, a long batch is checked in two parts at once, one on each core.
            let first = reader as? any TwoPartReader
            let rest = accept == nil ? try first?.splitInTwo() : nil
            let later = rest.map(SecondPart.init)
            // While the first part is read, its progress counts what the second has read too.
            if let later { first?.readElsewhere = { later.readPastStart } }
            while let item = try reader.next() {
                switch item {
                case .document(let document, let location):
                    summary.documentsRead += 1
                    counted?(1)
                    accept?(document, location)
                case .finding(let finding):
                    summary.count(finding)
                    report(finding)
                }
            }
            while let item = try later?.next() {
                switch item {
                case .progress(let count):
                    summary.documentsRead += count
                    counted?(count)
                    if let progress = options.progress, let later {
                        // Where the second part has read to by now, ahead of the items taken from it.
                        try progress.checkpoint(.reading, done: later.position, of: fileSize(path), file: name)
                    }
                case .finding(let finding):
                    summary.count(finding)
                    report(finding)
                }
            }
        } catch {
            if error.underlying is WorkInterrupted {
                // Stopped by a person, not refused: the counts say how far it got.
                summary.interrupted = true
            } else {
                summary.refused = true
                summary.documentsRead = 0
                report(error.finding)
            }
        }
        return summary
    }
}

/// The second part of a batch, checked on a thread of its own while the first is checked on the caller's.
/// Its documents are counted there, not handed over (they are not needed, and each would be freed on the
/// other thread); its findings come over in order, at most 4,096 waiting at once. Every 2,048 items it
/// says how far it got, so the caller can show progress and stop when asked, whatever the items are.
private final class SecondPart {
    enum Item: Sendable {
        /// This many more documents passed every check (how far the part has read is in ``position``).
        case progress(documents: Int)
        case finding(Finding)
    }

    private let items: ReadAhead<Item>
    /// Where the part starts in the file, and where it has read to (as of its last progress item).
    private let start: Int
    private let reached: Reached

    /// Where the part has read to in the file.
    var position: Int { reached.bytes.load(ordering: .relaxed) }
    /// How much of the file the part has read.
    var readPastStart: Int { max(0, position - start) }

    init(_ reader: any TwoPartReader) {
        start = reader.bytesRead
        let reached = Reached(start)
        self.reached = reached
        let part = Unshared(Counting(reader, reached))
        items = ReadAhead(capacity: 4096, name: "kccbridge.check-second-part") { () throws(BatchFileError) in
            try part.value.next()
        }
    }

    func next() throws(BatchFileError) -> Item? {
        try items.next()
    }

    /// Where the part has read to, told across threads.
    private final class Reached: Sendable {
        let bytes: Atomic<Int>
        init(_ start: Int) { bytes = Atomic(start) }
    }

    /// The reader's items as the caller takes them: findings as they come, documents counted.
    private final class Counting {
        let reader: any TwoPartReader
        let reached: Reached
        var documents = 0
        var itemsSinceProgress = 0
        var ended = false

        init(_ reader: any TwoPartReader, _ reached: Reached) {
            self.reader = reader
            self.reached = reached
        }

        func next() throws(BatchFileError) -> Item? {
            while !ended {
                if itemsSinceProgress == 2048 { return progress() }
                guard let item = try reader.next() else {
                    ended = true
                    return progress()
                }
                itemsSinceProgress += 1
                switch item {
                case .document: documents += 1
                case .finding(let finding): return .finding(finding)
                }
            }
            return nil
        }

        private func progress() -> Item {
            defer { (documents, itemsSinceProgress) = (0, 0) }
            reached.bytes.store(reader.bytesRead, ordering: .relaxed)
            return .progress(documents: documents)
        }
    }
}
