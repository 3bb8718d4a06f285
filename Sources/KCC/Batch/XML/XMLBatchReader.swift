import DurableOutput
import KCCModel
import XMLStreaming

/// Reads the XML encoding of a KCC batch (`schemas/kcc-batch.xsd`).
///
/// Two streaming passes: the first validates the whole file against the schema
/// (so a truncated, malformed, hostile or invalid file is refused before any
/// document is handed out) and collects customers and document numbers; the
/// second turns each document element into a checked document.
final class XMLBatchReader: TwoPartReader {
    static let namespace = "urn:kccbridge:kcc-batch:1"

    let info: BatchInfo
    /// libxml2 reads the file itself; the caller hashes it.
    let sha256: String? = nil
    private let file: String
    private let path: String
    private let maxBytes: Int
    private var xml: XMLPullReader
    /// Where the file was cut into parts for its first pass, which proved each a whole document: the second
    /// pass reads the same parts, and may read its two halves at once (``splitInTwo()``).
    private let split: XMLSplit?
    /// The file as its first pass opened it: the second must find it so, from its open to its end.
    private let stamp: FileStamp?
    private let builder: DocumentBuilder
    private let customers: [String: Customer]
    private var pending: [BatchItem] = []
    private var started = false
    private let progress: WorkProgress?
    private let size: Int?
    /// Elements read in pass 2: for progress.
    private var elementsRead = 0

    /// Reads `path`, in parts of at most `linesPerPart` lines; a file of `smallestSplit` bytes or more is
    /// validated and surveyed in two halves at once.
    init(
        path: String, displayName: String, options: BatchReadOptions, smallestSplit: Int = XMLSplit.smallest,
        linesPerPart: Int = XMLSplit.linesPerPart
    ) throws(BatchFileError) {
        self.file = displayName
        let schema: XMLSchema
        do {
            schema = try KCCBatchSchema.compiled()
        } catch {
            throw BatchFileError(at: SourceLocation(file: displayName), because: error)
        }

        // Another kind of XML (an accounting package's file) is named as such, before the schema speaks.
        if let root = Self.rootElement(path, maxBytes: options.maxFileBytes), root.name != "KCCExportBatch" {
            throw BatchFileError(
                at: SourceLocation(file: displayName, line: root.line),
                "this XML is not a KCC export batch: its root element is <\(root.name)>, where a batch starts with <KCCExportBatch>; a file read back from an accounting package goes to kccbridge reconcile; the whole file is refused"
            )
        }

        // Pass 1: validate, collect customers and survey document numbers, in parts (a long file's two halves
        // at once) when the file can be cut, else in one piece.
        let size = fileSize(path)
        let split = size.flatMap {
            XMLSplit.find(path: path, size: $0, smallest: smallestSplit, linesPerPart: linesPerPart)
        }
        let first: XMLFirstPass
        if let split,
            let inParts = try Self.firstPass(
                path, in: split, schema: schema, displayName: displayName, options: options)
        {
            first = inParts
        } else {
            first = try Self.firstPass(path, schema: schema, displayName: displayName, options: options)
        }
        let (info, survey, stamp) = (first.info ?? BatchInfo(batchID: displayName), first.survey, first.stamp)
        self.split = first.inParts ? split : nil
        self.info = info
        self.progress = options.progress
        self.size = size
        self.path = path
        self.maxBytes = options.maxFileBytes
        self.customers = first.customers.mapValues(\.customer)
        self.pending = first.warnings.map(BatchItem.finding)
        self.builder = DocumentBuilder(dateFormat: .iso, survey: survey)

        // Pass 2 starts afresh, in the parts pass 1 proved sound; the file is known to be valid, if it is
        // still the file pass 1 read.
        do {
            xml = try XMLPullReader(path: path, maxBytes: options.maxFileBytes, parts: self.split?.whole ?? [])
        } catch {
            throw Self.refusal(error, displayName)
        }
        self.stamp = stamp
        try FileStamp.require(xml.fileStatus(), sameAs: stamp, file: displayName)
    }

    /// The second half of a batch whose first pass was made in two halves: the same checks, reading its parts.
    private init(secondPartOf whole: XMLBatchReader, _ second: [XMLFilePart]) throws(BatchFileError) {
        (info, file, path, maxBytes, stamp) = (whole.info, whole.file, whole.path, whole.maxBytes, whole.stamp)
        (builder, customers, size, self.split) = (whole.builder, whole.customers, whole.size, nil)
        // How far it got is told by its caller, which hands its findings on.
        progress = nil
        do {
            xml = try XMLPullReader(path: path, maxBytes: maxBytes, parts: second)
        } catch {
            throw Self.refusal(error, file)
        }
        try FileStamp.require(xml.fileStatus(), sameAs: stamp, file: file)
    }

    /// Makes this reader stop where the first pass cut the file, and returns a reader of the rest, to be
    /// read at the same time on another thread: the two give, one after the other, exactly what this reader
    /// alone would. `nil` when the first pass was not made in two halves, this reader has begun, or the file's
    /// status changed at all since (as ``CSVBatchReader/splitInTwo()``).
    func splitInTwo() throws(BatchFileError) -> (any TwoPartReader)? {
        guard let halves = split?.halves, !started, let stamp else { return nil }
        let rest = try XMLBatchReader(secondPartOf: self, halves.second)
        let first: XMLPullReader
        do {
            first = try XMLPullReader(path: path, maxBytes: maxBytes, parts: halves.first)
        } catch {
            throw Self.refusal(error, file)
        }
        guard FileStamp(rest.xml.fileStatus()) == stamp, FileStamp(first.fileStatus()) == stamp else { return nil }
        xml = first
        return rest
    }

    /// How far into the file reading has got, in bytes.
    var bytesRead: Int { xml.bytesConsumed }
    var readElsewhere: (() -> Int)?

    func next() throws(BatchFileError) -> BatchItem? {
        do {
            while pending.isEmpty {
                guard let event = try xml.next() else {
                    try FileStamp.require(xml.fileStatus(), sameAs: stamp, file: file)
                    return nil
                }
                guard case .startElement(let element) = event else { continue }
                elementsRead += 1
                if elementsRead & 2047 == 0, let progress {
                    try progress.checkpoint(
                        .reading, done: xml.bytesConsumed + (readElsewhere?() ?? 0), of: size, file: file)
                }
                if !started {
                    started = true  // the root
                    continue
                }
                try take(element)
            }
            return pending.removeFirst()
        } catch let refusal as BatchFileError {
            throw refusal
        } catch let error as XMLReadError {
            throw Self.refusal(error, file)
        } catch {
            throw BatchFileError(at: SourceLocation(file: file), because: error)
        }
    }

    // MARK: Elements

    private func take(_ element: XMLElementStart) throws(XMLReadError) {
        let at = SourceLocation(file: file, line: element.line)
        let kind: DocumentKind
        switch element.name {
        case "SalesInvoice": kind = .invoice
        case "CreditNote": kind = .credit
        case "Payment": kind = .payment
        case "Customer":
            try xml.skip(element)
            return
        default:
            let number = element[attribute: "DocNumber"]
            pending.append(
                .finding(
                    Finding(
                        .warning, at: at, document: number,
                        "\(element.name)\(number.map { " \($0)" } ?? "") is not read by kccbridge (it exports sales documents only, not purchase invoices or suppliers); it is skipped"
                    )))
            try xml.skip(element)
            return
        }
        let number = element[attribute: "DocNumber"] ?? ""
        var document = RawDocument(kind: kind, number: number, location: at, labels: Self.labels)
        for attribute in element.attributes {
            guard let field = BatchField(named: attribute.name), !attribute.value.isEmpty else { continue }
            document.fields[field] = RawValue(text: attribute.value, line: at.line)
        }
        attachCustomer(to: &document, at: at)
        if kind == .payment {
            document.lines = [RawLine(location: at)]
            try xml.skip(element)
        } else {
            try readContent(of: element, into: &document)
        }
        let (built, findings) = builder.build(document)
        pending.append(contentsOf: findings.sortedByLine().map(BatchItem.finding))
        if let built { pending.append(.document(built, at)) }
    }

    private func attachCustomer(to document: inout RawDocument, at: SourceLocation) {
        guard let code = document.fields[.customerCode]?.text else { return }
        guard let customer = customers[code] else {
            document.findings.append(
                Finding(
                    .error, at: at, field: "CustomerCode", document: document.number,
                    "CustomerCode \(code) has no Customer element in this batch — document \(document.number) held back"
                ))
            // The document is held back for that alone; no second error for the name it lacks.
            document.fields[.customerName] = RawValue(text: code, line: at.line)
            return
        }
        let parts: [(BatchField, String?)] = [
            (.customerName, customer.name), (.email, customer.email), (.address1, customer.address.line1),
            (.address2, customer.address.line2), (.town, customer.address.town), (.county, customer.address.county),
            (.postcode, customer.address.postcode), (.country, customer.address.country),
        ]
        for (field, text) in parts {
            if let text, !text.isEmpty {
                document.fields[field] = RawValue(text: text, line: at.line)
            }
        }
    }

    /// Lines, Totals and Reason of an invoice or credit note.
    private func readContent(of element: XMLElementStart, into document: inout RawDocument) throws(XMLReadError) {
        while let event = try xml.next() {
            switch event {
            case .endElement:
                return
            case .text:
                continue
            case .startElement(let child):
                let at = SourceLocation(file: file, line: child.line)
                switch child.name {
                case "Line":
                    var line = RawLine(location: at)
                    for attribute in child.attributes {
                        guard let field = BatchField(named: attribute.name), field.isLineField,
                            !attribute.value.isEmpty
                        else {
                            continue
                        }
                        line.fields[field] = RawValue(text: attribute.value, line: at.line)
                    }
                    if !child.isEmpty {
                        while let inner = try xml.next() {
                            if case .startElement(let description) = inner {
                                let text = try xml.readText(of: description)
                                if !text.isEmpty {
                                    line.fields[.description] = RawValue(
                                        text: text, line: description.line)
                                }
                            } else if case .endElement = inner {
                                break
                            }
                        }
                    }
                    document.lines.append(line)
                case "Totals":
                    for (name, field) in [("net", BatchField.docNet), ("tax", .docTax), ("gross", .docGross)] {
                        if let text = child[attribute: name], !text.isEmpty {
                            document.fields[field] = RawValue(text: text, line: at.line)
                        }
                    }
                    try xml.skip(child)
                case "Reason":
                    let text = try xml.readText(of: child)
                    if !text.isEmpty { document.fields[.reason] = RawValue(text: text, line: at.line) }
                default:
                    try xml.skip(child)
                }
            }
        }
    }

    static func readCustomer(
        _ element: XMLElementStart, from reader: XMLPullReader
    ) throws(XMLReadError) -> Customer {
        var customer = Customer(code: element[attribute: "CustomerCode"] ?? "", name: "")
        guard !element.isEmpty else { return customer }
        while let event = try reader.next() {
            switch event {
            case .endElement(let name, _, _) where name == "Customer":
                return customer
            case .startElement(let child):
                switch child.name {
                case "Address": continue
                case "Name": customer.name = try reader.readText(of: child)
                case "Email": customer.email = try reader.readText(of: child)
                case "Address1": customer.address.line1 = try reader.readText(of: child)
                case "Address2": customer.address.line2 = try reader.readText(of: child)
                case "Town": customer.address.town = try reader.readText(of: child)
                case "County": customer.address.county = try reader.readText(of: child)
                case "Postcode": customer.address.postcode = try reader.readText(of: child)
                case "Country": customer.address.country = try reader.readText(of: child)
                default: _ = try reader.readText(of: child)
                }
            default:
                continue
            }
        }
        return customer
    }

    /// How messages name fields that XML spells differently from the CSV columns.
    static let labels: FieldMap<String> = {
        var labels = FieldMap<String>()
        for field in BatchField.allCases { labels[field] = field.name }
        labels[.docNet] = "Totals net"
        labels[.docTax] = "Totals tax"
        labels[.docGross] = "Totals gross"
        labels[.customerName] = "Customer Name"
        return labels
    }()

    /// A field's name in messages (``labels`` has every field; the fallback only satisfies the type).
    static func label(_ field: BatchField) -> String { labels[field] ?? field.name }

    /// The first element of the file, when it can be read at all (what cannot is said by the schema pass).
    private static func rootElement(_ path: String, maxBytes: Int) -> XMLElementStart? {
        guard let reader = try? XMLPullReader(path: path, maxBytes: maxBytes) else { return nil }
        while let event = try? reader.next() {
            if case .startElement(let element) = event { return element }
        }
        return nil
    }

    static func refusal(_ error: XMLReadError, _ file: String) -> BatchFileError {
        BatchFileError(at: SourceLocation(file: file, line: error.line > 0 ? error.line : nil), because: error)
    }
}
