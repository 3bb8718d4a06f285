import CSVStreaming
import DurableOutput
import Foundation
import KCCModel
import Synchronization

/// Pass 1 of a CSV batch: every document's number, kind and order noted in a ``BatchSurvey``, and where the
/// first document past the middle of the file starts (for a pass 2 in two parts).
///
/// A large file is surveyed in two parts at once, one on each core: the second from the first line past the
/// middle of the file that is not inside a quoted cell (an even number of quotes before it), numbered from the
/// line breaks before it. The first part stops there and the two are put together as one pass would have made
/// them. Whether the second part started where a record starts is proved, not assumed: the first part, read from
/// the top as a single pass reads it, must end exactly there, on the same line; if it does not (a stray quote
/// threw the count out), the second part's work is dropped and the first reads on to the end alone.
struct CSVSurvey {
    /// What the survey of the file (or of one part of it) found.
    private(set) var survey = BatchSurvey()
    /// Where the first document at or past the middle of the file starts, and its line.
    private(set) var middle: (offset: Int, line: Int)?
    /// Rows read, the header not counted.
    private(set) var rows = 0
    /// 2 when the file was surveyed in two parts, 1 when in one pass.
    private(set) var parts = 1
    /// The number of the last row read: a following row with the same number continues its document.
    private var runNumber: String?
    /// In a part after the first, its first row: a new document unless it continues the earlier part's last.
    private var lead: Lead?

    private struct Lead {
        var number: String
        var isInvoice: Bool
        var orderNumber: String
        /// Where its row starts, and the line there (blank lines before the row included, as for the middle).
        var offset: Int
        var line: Int
        /// The row's own line (past any blank lines), as a document's first line is noted.
        var recordLine: Int
    }

    /// Files smaller than this are surveyed in one part (a second thread would cost more than it saves).
    static let smallestSplit = 4 << 20

    /// Surveys `reader` (its header read, ``CSVReader/wantedFields`` set) to the end of the file; on both cores
    /// when the file at `path`, as `stamp` found it, has at least `smallest` bytes (the second part opens it
    /// again, and refuses it unless it finds it so). `checkpoint` is told the bytes surveyed so far and may
    /// stop the survey by throwing.
    static func run(
        _ reader: CSVReader, path: String, stamp: FileStamp?, header: CSVBatchHeader, options: CSVReader.Options,
        file: String, splittingFrom smallest: Int = smallestSplit, checkpoint: (Int) throws(BatchFileError) -> Void
    ) throws(BatchFileError) -> CSVSurvey {
        let size = stamp?.size
        let half = size.map { $0 / 2 }
        var first = CSVSurvey()
        guard let size, let half, size >= smallest, size <= options.maxFileBytes else {
            first.survey.reserve(forBytes: size ?? 0, perDocument: bytesPerDocument)
            try first.read(reader, header: header, half: half, file: file, checkpoint: checkpoint)
            return first
        }
        // The second part finds where it starts while this one reads. This one learns it before each row and
        // stops there; before a row at or past the middle (where the second part starts at the earliest), it
        // waits to know.
        let second = SecondSurvey(
            path: path, stamp: stamp, start: reader.bytesConsumed, half: half, size: size, header: header,
            options: options, file: file)
        first.survey.reserve(forBytes: half, perDocument: bytesPerDocument)
        var split: (offset: Int, line: Int)?
        var decided = false
        func learnSplit() {
            guard !decided, let decision = second.decision(waiting: reader.bytesConsumed >= half) else { return }
            decided = true
            if let found = decision, reader.bytesConsumed <= found.offset {
                split = found
                reader.stopAt = found.offset
            }
        }
        func checkBoth(_ done: Int) throws(BatchFileError) {
            try checkpoint(done + second.surveyed.load(ordering: .relaxed))
        }
        do throws(BatchFileError) {
            try first.read(
                reader, header: header, half: half, file: file, beforeEachRow: learnSplit, checkpoint: checkBoth)
        } catch {
            second.stop()
            _ = second.result()
            throw error
        }
        reader.stopAt = nil
        guard let split, reader.bytesConsumed == split.offset, reader.nextLine == split.line else {
            second.stop()
            _ = second.result()
            // Read to the end alone, or (the second part did not start where a record starts) on to it now.
            try first.read(reader, header: header, half: half, file: file, checkpoint: checkpoint)
            return first
        }
        switch second.result() {
        case .success(let part)?:
            first.append(part, half: half)
            first.parts = 2
        case .failure(let error)?:
            // The first part is sound and ends where the second began: the second's refusal is the file's.
            throw error
        case nil:
            try first.read(reader, header: header, half: half, file: file, checkpoint: checkpoint)
            return first
        }
        // The rest of the file still goes through this reader, unparsed, so its chunks are hashed in order.
        do {
            try reader.readToEnd()
        } catch {
            throw CSVBatchReader.refusal(error, file)
        }
        return first
    }

    /// About how many bytes a document of a CSV batch takes (``BatchSurvey/reserve(forBytes:perDocument:)``).
    static let bytesPerDocument = 512

    /// Notes every record `reader` gives, in order; in a part after the first, its first row is kept aside as
    /// the lead.
    private mutating func read(
        _ reader: CSVReader, header: CSVBatchHeader, half: Int?, file: String, startsPart: Bool = false,
        beforeEachRow: () -> Void = {}, checkpoint: (Int) throws(BatchFileError) -> Void
    ) throws(BatchFileError) {
        while true {
            beforeEachRow()
            let (offset, line) = (reader.bytesConsumed, reader.nextLine)
            guard let record = try CSVBatchReader.read(reader, file) else { return }
            rows += 1
            if rows & 2047 == 0 { try checkpoint(reader.bytesConsumed) }
            let number = header.value(.docNumber, in: record)
            if startsPart && rows == 1 {
                lead = Lead(
                    number: number, isInvoice: Self.isInvoice(record, header),
                    orderNumber: header.value(.orderNumber, in: record), offset: offset, line: line,
                    recordLine: record.line)
                runNumber = number
                continue
            }
            if number != runNumber {
                noteStart(number, at: (offset, line), half: half)
                survey.note(
                    number: number, isInvoice: Self.isInvoice(record, header),
                    orderNumber: header.value(.orderNumber, in: record), line: record.line)
            }
        }
    }

    /// A document starts at `place`: the middle, if it is the first at or past `half` that follows another's
    /// rows (not a row without a number, after which a skipped document's rows would still be skipped), so no
    /// document spans the two parts of pass 2.
    private mutating func noteStart(_ number: String, at place: (offset: Int, line: Int), half: Int?) {
        if middle == nil, let half, place.offset >= half, !number.isEmpty, let runNumber, !runNumber.isEmpty {
            middle = place
        }
        runNumber = number
    }

    private static func isInvoice(_ record: CSVRecord, _ header: CSVBatchHeader) -> Bool {
        header.value(.recordType, in: record).uppercased() == DocumentKind.invoice.rawValue
    }

    /// Puts the survey of the part that follows this one after it, as one pass over both would have made it.
    private mutating func append(_ later: CSVSurvey, half: Int) {
        if let lead = later.lead, lead.number != runNumber {
            noteStart(lead.number, at: (lead.offset, lead.line), half: half)
            survey.note(
                number: lead.number, isInvoice: lead.isInvoice, orderNumber: lead.orderNumber, line: lead.recordLine)
        }
        if middle == nil { middle = later.middle }
        survey.append(later.survey)
        runNumber = later.runNumber
        rows += later.rows
    }

    /// The start of the first line past `half` that is outside any quoted cell (an even number of quotes from
    /// `start`, the first row after the header, to it) and before the end of the file's `size` bytes, with its
    /// line number; `nil` when none is found in the next few megabytes or the file cannot be read.
    static func splitPoint(_ path: String, from start: Int, half: Int, size: Int) -> (offset: Int, line: Int)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var lineBreaks = 0
        // Quotes from the first row on: a header cell may be quoted too, but it is read whole before `start`.
        var quotes = 0
        var offset = 0
        let searchEnd = half + 8 * chunk
        while offset < searchEnd {
            let n = pread(fd, buffer, chunk, off_t(offset))
            guard n > 0 else { return nil }
            let bytes = buffer.assumingMemoryBound(to: UInt8.self)
            // Before `half`, only counted; from it, each line break is a candidate.
            let countedTo = min(n, max(half - offset, 0))
            lineBreaks += count(0x0A, in: bytes, 0..<countedTo)
            // The header (or blank lines before it) may run past this chunk, or past the middle.
            quotes += count(0x22, in: bytes, min(max(start - offset, 0), countedTo)..<countedTo)
            var index = countedTo
            while index < n {
                let byte = bytes[index]
                if byte == 0x22 && offset + index >= start {
                    quotes += 1
                } else if byte == 0x0A {
                    lineBreaks += 1
                    if quotes % 2 == 0 && offset + index + 1 > start && offset + index + 1 < size {
                        return (offset + index + 1, lineBreaks + 1)
                    }
                }
                index += 1
            }
            offset += n
        }
        return nil
    }

    /// How many of `bytes[range]` are `byte`.
    private static func count(_ byte: UInt8, in bytes: UnsafeMutablePointer<UInt8>, _ range: Range<Int>) -> Int {
        guard !range.isEmpty else { return 0 }
        var found = 0
        var at = bytes + range.lowerBound
        let end = bytes + range.upperBound
        while at < end, let hit = memchr(at, Int32(byte), end - at) {
            found += 1
            at = hit.assumingMemoryBound(to: UInt8.self) + 1
        }
        return found
    }

    /// The survey of the second part of a file, made on a thread of its own: it finds where the part starts
    /// (``splitPoint(_:from:half:size:)``), then surveys from there to the end.
    private final class SecondSurvey: @unchecked Sendable {
        /// Bytes it has surveyed so far (for progress).
        let surveyed = Atomic<Int>(0)
        private let stopped = Atomic<Bool>(false)
        /// Set once `found` is: read before each row of the first part, without the lock.
        private let decided = Atomic<Bool>(false)
        /// Guards `found` and `outcome`, and wakes whoever waits for either.
        private let done = NSCondition()
        /// Where the second part starts: `nil` until known; `.some(nil)` when no place was found.
        private var found: (offset: Int, line: Int)??
        /// `nil` until the thread ends; then what it found, or why it could not (`nil` inside: no part).
        private var outcome: Result<CSVSurvey, BatchFileError>??

        init(
            path: String, stamp: FileStamp?, start: Int, half: Int, size: Int, header: CSVBatchHeader,
            options: CSVReader.Options, file: String
        ) {
            let thread = Thread { [self] in
                let result: Result<CSVSurvey, BatchFileError>?
                let split = CSVSurvey.splitPoint(path, from: start, half: half, size: size)
                publish { self.found = .some(split) }
                decided.store(true, ordering: .releasing)
                if let split {
                    result = Result { () throws(BatchFileError) -> CSVSurvey in
                        try self.survey(
                            from: split, path: path, stamp: stamp, half: half, header: header, options: options,
                            file: file)
                    }
                } else {
                    result = nil
                }
                publish { self.outcome = .some(result) }
            }
            thread.name = "kccbridge.survey-second-part"
            thread.start()
        }

        /// Opened again by its path, the file must be the one the first part reads, unchanged, from its open
        /// to the end of this part.
        private func survey(
            from split: (offset: Int, line: Int), path: String, stamp: FileStamp?, half: Int, header: CSVBatchHeader,
            options: CSVReader.Options, file: String
        ) throws(BatchFileError) -> CSVSurvey {
            let reader: CSVReader
            do {
                reader = try CSVReader(path: path, options: options)
            } catch {
                throw BatchFileError(at: SourceLocation(file: file, line: split.line), because: error)
            }
            try FileStamp.require(reader.fileStatus(), sameAs: stamp, file: file)
            do {
                try reader.start(at: split.offset, line: split.line)
            } catch {
                throw BatchFileError(at: SourceLocation(file: file, line: split.line), because: error)
            }
            reader.wantedFields = header.mask(of: [.docNumber, .recordType, .orderNumber])
            var part = CSVSurvey()
            part.survey.reserve(forBytes: (stamp?.size ?? 0) - split.offset, perDocument: CSVSurvey.bytesPerDocument)
            try part.read(reader, header: header, half: half, file: file, startsPart: true) {
                (done: Int) throws(BatchFileError) in
                self.surveyed.store(done - split.offset, ordering: .relaxed)
                if self.stopped.load(ordering: .relaxed) {
                    throw BatchFileError(at: SourceLocation(file: file), because: WorkInterrupted())
                }
            }
            try FileStamp.require(reader.fileStatus(), sameAs: stamp, file: file)
            return part
        }

        /// Where the second part starts (`.some(nil)`: nowhere, it surveys nothing) once that is known; `nil`
        /// before, unless `waiting`, which waits to know.
        func decision(waiting: Bool) -> (offset: Int, line: Int)?? {
            guard waiting || decided.load(ordering: .acquiring) else { return nil }
            done.lock()
            defer { done.unlock() }
            while found == nil { done.wait() }
            return found
        }

        /// Sets what the thread found, under the lock, and wakes whoever waits for it.
        private func publish(_ set: () -> Void) {
            done.lock()
            set()
            done.broadcast()
            done.unlock()
        }

        /// Asks the thread to stop at its next checkpoint (its result is not wanted).
        func stop() {
            stopped.store(true, ordering: .relaxed)
        }

        /// Waits for the thread to end: what it found, or why it could not; `nil` when it found no place to start.
        func result() -> Result<CSVSurvey, BatchFileError>? {
            done.lock()
            defer { done.unlock() }
            while outcome == nil { done.wait() }
            return outcome ?? nil
        }
    }
}
