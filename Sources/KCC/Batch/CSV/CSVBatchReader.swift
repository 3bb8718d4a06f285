import CSVStreaming
import DurableOutput
import KCCModel

/// Reads the CSV encoding of a KCC batch (`schemas/kcc-batch-csv.md`).
///
/// Two passes over the file, both streaming: the first checks the file can be
/// read at all and surveys document numbers (duplicates, invoice orders); the
/// second gathers each document's rows and checks it.
///
/// The second pass can be made in two parts, one on each core (``splitInTwo()``):
/// the survey notes where the first document past the middle of the file starts.
final class CSVBatchReader: TwoPartReader {
    let info: BatchInfo
    /// Of every byte the survey read: the whole file, read once for both.
    let sha256: String?
    private let file: String
    private var options: BatchReadOptions
    private let header: CSVBatchHeader
    private let csv: CSVReader
    private let path: String
    private let csvOptions: CSVReader.Options
    /// Where the first document past the middle of the file starts, and its line.
    private let middle: (offset: Int, line: Int)?
    /// The file as the survey first opened it: every later read must find it so (``FileStamp/require(_:sameAs:file:)``).
    private let stamp: FileStamp?
    private let builder: DocumentBuilder
    private var pending: [BatchItem] = []
    private var current: RawDocument?
    /// The number of a document whose rows are being skipped (unknown record type).
    private var skipping: String?
    /// Whether the current document's first row was sound (only sound rows are compared).
    private var firstRowSound = true
    private var finished = false
    /// Records read in pass 2, and the file's size: for progress.
    private var recordsRead = 0
    private let size: Int?

    /// Record types that exist in KCC but are out of scope for version 1.
    static let unsupportedRecordTypes: Set<String> = [
        "PURCHASE", "PURCHASEINVOICE", "PURCHASE_INVOICE", "PURCHASECREDIT", "SUPPLIER", "QUOTE", "QUOTATION",
        "PROFORMA",
    ]

    init(path: String, displayName: String, options: BatchReadOptions) throws(BatchFileError) {
        self.file = displayName
        self.options = options
        self.info = BatchInfo(batchID: String(displayName.split(separator: "/").last ?? Substring(displayName)))
        let csvOptions = CSVReader.Options(
            encoding: options.encoding, maxFieldBytes: options.maxFieldBytes, maxFileBytes: options.maxFileBytes)

        // Pass 1: the survey, hashing the file as it goes.
        let reader = try Self.openCSV(path, displayName, csvOptions)
        let stamp = FileStamp(reader.fileStatus())
        let digest = Digest()
        reader.onChunk = { digest.hash.update($0) }
        guard let headerRecord = try Self.read(reader, displayName) else {
            throw BatchFileError(
                at: SourceLocation(file: displayName, line: 1),
                "the file is empty: there is no header row; the whole file is refused")
        }
        let header = try CSVBatchHeader(headerRecord, file: displayName)
        // The survey decodes only the cells it looks at.
        reader.wantedFields = header.mask(of: [.docNumber, .recordType, .orderNumber])
        let size = options.progress == nil ? nil : fileSize(path)
        let survey = try CSVSurvey.run(
            reader, path: path, stamp: stamp, header: header, options: csvOptions, file: displayName
        ) { (done: Int) throws(BatchFileError) in
            try options.progress?.checkpoint(.surveying, done: done, of: size, file: displayName)
        }
        try FileStamp.require(reader.fileStatus(), sameAs: stamp, file: displayName)
        let (batchSurvey, middle, rows) = (survey.survey, survey.middle, survey.rows)
        self.header = header
        self.size = size
        self.path = path
        self.csvOptions = csvOptions
        self.middle = middle
        self.sha256 = digest.hash.finalizeHex()
        self.builder = DocumentBuilder(dateFormat: options.dateFormat, survey: batchSurvey)
        pending = header.warnings.map(BatchItem.finding)
        if rows == 0 {
            pending.append(
                .finding(
                    Finding(
                        .warning, at: SourceLocation(file: displayName, line: headerRecord.line),
                        "the file has a header but no rows: no documents")))
        }

        // Pass 2 reads from the start again, after the header, of the file the survey read.
        csv = try Self.openCSV(path, displayName, csvOptions)
        try FileStamp.require(csv.fileStatus(), sameAs: stamp, file: displayName)
        _ = try Self.read(csv, displayName)
        self.stamp = stamp
    }

    /// The second part of a batch not read yet: the same survey and checks, reading from ``middle``.
    private init(secondPartOf whole: CSVBatchReader, from middle: (offset: Int, line: Int)) throws(BatchFileError) {
        (info, sha256, file, path, csvOptions) = (whole.info, whole.sha256, whole.file, whole.path, whole.csvOptions)
        (header, builder, size, self.middle) = (whole.header, whole.builder, whole.size, nil)
        // How far it got is told by its caller, which hands its findings on.
        options = whole.options
        options.progress = nil
        csv = try Self.openCSV(path, file, csvOptions)
        stamp = whole.stamp
        try FileStamp.require(csv.fileStatus(), sameAs: stamp, file: file)
        do {
            try csv.start(at: middle.offset, line: middle.line)
        } catch {
            throw BatchFileError(at: SourceLocation(file: file, line: middle.line), because: error)
        }
    }

    /// Makes this reader stop at the first document past the middle of the file, and returns a reader of
    /// the rest, to be read at the same time on another thread: the two give, one after the other, exactly
    /// what this reader alone would. `nil` when there is no such document, this reader has begun, or the
    /// file's status changed at all since the survey (its bytes are then checked as ever, but read in one
    /// pass: a middle is trusted only while nothing whatever about the file has changed). Refused when the
    /// file the second part opens is not the one the survey read, its bytes unchanged.
    func splitInTwo() throws(BatchFileError) -> (any TwoPartReader)? {
        guard let middle, recordsRead == 0, current == nil, !finished, let stamp else { return nil }
        let rest = try CSVBatchReader(secondPartOf: self, from: middle)
        guard FileStamp(rest.csv.fileStatus()) == stamp, FileStamp(csv.fileStatus()) == stamp else { return nil }
        csv.stopAt = middle.offset
        return rest
    }

    /// How far into the file reading has got, in bytes.
    var bytesRead: Int { csv.bytesConsumed }
    var readElsewhere: (() -> Int)?

    func next() throws(BatchFileError) -> BatchItem? {
        while pending.isEmpty {
            if finished { return nil }
            guard let record = try Self.read(csv, file) else {
                // Read to its end (or to where the second part starts), it must still be the file surveyed.
                try FileStamp.require(csv.fileStatus(), sameAs: stamp, file: file)
                finished = true
                finishCurrent()
                continue
            }
            recordsRead += 1
            if recordsRead & 2047 == 0, let progress = options.progress {
                try progress.checkpoint(
                    .reading, done: csv.bytesConsumed + (readElsewhere?() ?? 0), of: size, file: file)
            }
            take(record)
        }
        return pending.removeFirst()
    }

    // MARK: Gathering rows into documents

    private func take(_ record: CSVRecord) {
        let at = SourceLocation(file: file, line: record.line)
        let number = header.value(.docNumber, in: record)
        let typeText = header.value(.recordType, in: record)

        if number.isEmpty {
            finishCurrent()
            pending.append(
                .finding(
                    Finding(
                        .error, at: at, field: header.labels[.docNumber],
                        "\(label(.docNumber)) is empty, so this row belongs to no document; the row is skipped")))
            return
        }
        if number == skipping { return }
        skipping = nil

        if current?.number == number, var document = current.take() {
            // Taken out and put back: with `current` empty meanwhile, the lines are not shared,
            // so adding a row does not copy them all.
            addRow(record, at: at, to: &document)
            current = document
            return
        }
        finishCurrent()

        let upper = typeText.uppercased()
        guard let kind = DocumentKind(rawValue: upper) else {
            skipping = number
            if Self.unsupportedRecordTypes.contains(upper) {
                pending.append(
                    .finding(
                        Finding(
                            .warning, at: at, field: header.labels[.recordType], document: number,
                            "\(label(.recordType)) \(typeText) is not read by kccbridge (it exports sales invoices, credit notes and payments only, not purchase invoices, suppliers, quotations or pro-formas); \(number) is skipped"
                        )))
            } else {
                let shown = typeText.isEmpty ? "is empty" : "'\(typeText)' is not INVOICE, CREDIT or PAYMENT"
                pending.append(
                    .finding(
                        Finding(
                            .error, at: at, field: header.labels[.recordType], document: number,
                            "\(label(.recordType)) \(shown) — document \(number) held back")))
            }
            return
        }
        var document = RawDocument(kind: kind, number: number, location: at, labels: header.labels)
        for field in BatchField.allCases where !field.isLineField {
            let text = header.value(field, in: record)
            if !text.isEmpty { document.fields[field] = value(field, text, at) }
        }
        addRow(record, at: at, to: &document, first: true)
        current = document
    }

    private func addRow(_ record: CSVRecord, at: SourceLocation, to document: inout RawDocument, first: Bool = false) {
        for problem in record.problems {
            let column =
                problem.fieldIndex < header.columnCount
                ? columnName(problem.fieldIndex) : "column \(problem.fieldIndex + 1)"
            document.findings.append(
                Finding(
                    .error, at: SourceLocation(file: file, line: problem.line), field: column,
                    document: document.number,
                    "\(column): \(problem) — document \(document.number) held back"))
        }
        if record.fields.count != header.columnCount {
            document.findings.append(
                Finding(
                    .error, at: at, document: document.number,
                    "this row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s") but the header has \(header.columnCount) — document \(document.number) held back"
                ))
        }
        // A row that is broken already holds the document back; comparing its
        // cells would only repeat that in a dozen other words.
        let rowIsSound = record.problems.isEmpty && record.fields.count == header.columnCount
        if first { firstRowSound = rowIsSound }
        if !first && rowIsSound && firstRowSound {
            for field in BatchField.allCases where !field.isLineField && header.columns[field] != nil {
                let text = header.value(field, in: record)
                let firstText = document.fields[field]?.text ?? ""
                if text != firstText {
                    document.findings.append(
                        Finding(
                            .error, at: at, field: label(field), document: document.number,
                            "\(label(field)) \(Self.shown(text)) on this row differs from \(Self.shown(firstText)) on line \(document.location.line ?? 0) (document-level fields must agree on every row) — document \(document.number) held back"
                        ))
                }
            }
        }
        var line = RawLine(location: at)
        for field in BatchField.allCases where field.isLineField {
            let text = header.value(field, in: record)
            if !text.isEmpty { line.fields[field] = value(field, text, at) }
        }
        document.lines.append(line)
    }

    private func finishCurrent() {
        guard let document = current else { return }
        current = nil
        let (built, findings) = builder.build(document)
        pending.append(contentsOf: findings.sortedByLine().map(BatchItem.finding))
        if let built { pending.append(.document(built, document.location)) }
    }

    // MARK: Helpers

    /// A cell quoted for a message, with invisible characters made visible.
    static func shown(_ text: String) -> String {
        "'\(text.showingControlCharacters)'"
    }

    private func label(_ field: BatchField) -> String { header.labels[field] ?? field.name }

    private func value(_ field: BatchField, _ text: String, _ at: SourceLocation) -> RawValue {
        RawValue(text: text, line: at.line)
    }

    private func columnName(_ index: Int) -> String {
        header.columns.first { $0.value == index }.map { label($0.key) } ?? "column \(index + 1)"
    }

    private static func openCSV(
        _ path: String, _ name: String, _ options: CSVReader.Options
    ) throws(BatchFileError) -> CSVReader {
        do {
            return try CSVReader(path: path, options: options)
        } catch {
            throw BatchFileError(at: SourceLocation(file: name), because: error)
        }
    }

    /// The next record of `reader`; a CSV error refuses the file `name`, at its line.
    static func read(_ reader: CSVReader, _ name: String) throws(BatchFileError) -> CSVRecord? {
        do {
            return try reader.nextRecord()
        } catch {
            throw refusal(error, name)
        }
    }

    /// A CSV error as the refusal of the file `name`, at the error's line when it has one.
    static func refusal(_ error: CSVError, _ name: String) -> BatchFileError {
        BatchFileError(at: SourceLocation(file: name, line: error.line > 0 ? error.line : nil), because: error)
    }
}

/// The running hash of the survey's read.
private final class Digest {
    var hash = SHA256()
}
