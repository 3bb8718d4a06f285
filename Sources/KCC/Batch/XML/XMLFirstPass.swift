import DurableOutput
import Foundation
import KCCModel
import Synchronization
import XMLStreaming

/// What the first pass over an XML batch learns: the batch's own attributes, the document numbers (for
/// the checks across the batch), the customers and the warnings about them, and the file it read.
struct XMLFirstPass {
    var info: BatchInfo?
    var survey = BatchSurvey()
    /// The first Customer element of each code, and its line.
    var customers: [String: (customer: Customer, line: Int)] = [:]
    var warnings: [Finding] = []
    var stamp: FileStamp?
    /// Whether the file was read in parts (``XMLSplit``), which proved each a whole document.
    var inParts = false

    /// About how many bytes a document of an XML batch takes (``BatchSurvey/reserve(forBytes:perDocument:)``).
    static let bytesPerDocument = 640

    /// Reads `reader` to its end: the root's attributes, the documents' numbers, the customers.
    mutating func read(
        _ reader: XMLPullReader, file: String, checkpoint: () throws(BatchFileError) -> Void
    ) throws {
        try XMLBatchReader.survey(reader) { element in
            info = BatchInfo(
                batchID: element[attribute: "batchId"] ?? file, created: element[attribute: "created"],
                company: element[attribute: "company"])
        } documents: {
            survey.note(number: $0, isInvoice: $1, orderNumber: $2, line: $3)
        } customers: {
            take($0, line: $1, file: file)
        } checkpoint: { () throws(BatchFileError) in
            try checkpoint()
        }
    }

    /// Takes a Customer element met at `line`: the first of a code is kept, and a later one that differs
    /// is warned of.
    mutating func take(_ customer: Customer, line: Int, file: String) {
        if let earlier = customers[customer.code] {
            guard earlier.customer != customer else { return }
            warnings.append(
                Finding(
                    .warning, at: SourceLocation(file: file, line: line), field: "CustomerCode",
                    "Customer \(customer.code) appears again with different details (first on line \(earlier.line)); the first is used"
                ))
        } else {
            customers[customer.code] = (customer, line)
        }
    }
}

extension XMLBatchReader {
    /// Pass 1 over the whole file, in one piece.
    static func firstPass(
        _ path: String, schema: XMLSchema, displayName: String, options: BatchReadOptions
    ) throws(BatchFileError) -> XMLFirstPass {
        var pass = XMLFirstPass()
        let size = options.progress == nil ? nil : fileSize(path)
        do {
            let reader = try XMLPullReader(path: path, schema: schema, maxBytes: options.maxFileBytes)
            pass.stamp = FileStamp(reader.fileStatus())
            pass.survey.reserve(forBytes: pass.stamp?.size ?? 0, perDocument: XMLFirstPass.bytesPerDocument)
            try pass.read(reader, file: displayName) { () throws(BatchFileError) in
                try options.progress?.checkpoint(.surveying, done: reader.bytesConsumed, of: size, file: displayName)
            }
            try FileStamp.require(reader.fileStatus(), sameAs: pass.stamp, file: displayName)
        } catch let refusal as BatchFileError {
            throw refusal
        } catch let error as XMLReadError {
            throw refusal(error, displayName)
        } catch {
            throw BatchFileError(at: SourceLocation(file: displayName), because: error)
        }
        return pass
    }

    /// Pass 1 in the parts of `split`, its two halves at once (the second on a thread of its own) when it
    /// has them; `nil` when a part is not a sound, valid document (a cut was not where the root alone is
    /// open, or the file itself is not sound: the pass in one piece then finds and says what is wrong).
    /// Refused when the file changes, or when a person asks to stop.
    static func firstPass(
        _ path: String, in split: XMLSplit, schema: XMLSchema, displayName: String, options: BatchReadOptions
    ) throws(BatchFileError) -> XMLFirstPass? {
        var pass = XMLFirstPass(inParts: true)
        let halves = split.halves
        let first: XMLPullReader
        do {
            first = try XMLPullReader(
                path: path, schema: schema, maxBytes: options.maxFileBytes, parts: halves?.first ?? split.whole)
        } catch {
            return nil
        }
        pass.stamp = FileStamp(first.fileStatus())
        // The lines were counted in the file the cuts were found in: the parts must read it, or none is used.
        guard let scanned = split.stamp, pass.stamp?.sameContent(as: scanned) == true else { return nil }
        let second = halves.map {
            SecondSurvey(
                path: path, parts: $0.second, schema: schema, stamp: pass.stamp, displayName: displayName,
                maxBytes: options.maxFileBytes)
        }
        let size = options.progress == nil ? nil : fileSize(path)
        let middle = split.middleOffset ?? 0
        pass.survey.reserve(
            forBytes: halves == nil ? pass.stamp?.size ?? 0 : middle, perDocument: XMLFirstPass.bytesPerDocument)
        do {
            try pass.read(first, file: displayName) { () throws(BatchFileError) in
                let later = second.map { max(0, $0.bytesConsumed.load(ordering: .relaxed) - middle) } ?? 0
                try options.progress?.checkpoint(
                    .surveying, done: first.bytesConsumed + later, of: size, file: displayName)
            }
            try FileStamp.require(first.fileStatus(), sameAs: pass.stamp, file: displayName)
        } catch let refusal as BatchFileError {
            // Stopped by a person, or the file changed.
            second?.stop()
            _ = second?.wait()
            throw refusal
        } catch {
            second?.stop()
            _ = second?.wait()
            return nil
        }
        guard let second else { return pass }
        switch second.wait() {
        case .success(let later)?:
            pass.survey.append(later.survey)
            for (customer, line) in later.customers { pass.take(customer, line: line, file: displayName) }
            return pass
        case .failure(let refusal)?:
            // Only a change to the file is a refusal here: anything else, the pass in one piece says.
            throw refusal
        case nil:
            return nil
        }
    }

    /// Reads `reader` to its end (validating it, when it has a schema), handing on the root element, each
    /// document's number and order (with whether it is an invoice, and its line) and each Customer element;
    /// asks `checkpoint` every 2,048 elements.
    static func survey(
        _ reader: XMLPullReader, root: (XMLElementStart) -> Void,
        documents: (String, Bool, String, Int) -> Void, customers: (Customer, Int) -> Void,
        checkpoint: () throws(BatchFileError) -> Void
    ) throws {
        var elements = 0
        var depth = 0
        while let event = try reader.next() {
            switch event {
            case .startElement(let element):
                elements += 1
                if elements & 2047 == 0 { try checkpoint() }
                if depth == 0 {
                    root(element)
                } else if depth == 1 {
                    switch element.name {
                    case "Customer":
                        customers(try readCustomer(element, from: reader), element.line)
                        continue
                    case "SalesInvoice", "CreditNote", "Payment":
                        documents(
                            element[attribute: "DocNumber"] ?? "", element.name == "SalesInvoice",
                            element[attribute: "OrderNumber"] ?? "", element.line)
                    default:
                        break
                    }
                    // The survey needs nothing inside a document: its content is only validated.
                    try reader.skip(element)
                    continue
                }
                if !element.isEmpty { depth += 1 }
            case .endElement:
                depth -= 1
            case .text:
                break
            }
        }
    }
}

/// The second part of pass 1, read on a thread of its own while the first is read on the caller's.
private final class SecondSurvey: @unchecked Sendable {
    struct Part {
        var survey = BatchSurvey()
        /// Every Customer element, in file order (the caller takes them after the first part's).
        var customers: [(Customer, Int)] = []
    }

    /// How far into the file the part has read (for progress).
    let bytesConsumed = Atomic<Int>(0)
    private let stopAsked = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Set by the thread before it signals `finished`: the part, a refusal (the file changed), or `nil`
    /// (the part is not a sound, valid document, or it was stopped).
    private var result: Result<Part, BatchFileError>?

    init(
        path: String, parts: [XMLFilePart], schema: XMLSchema, stamp: FileStamp?, displayName: String, maxBytes: Int
    ) {
        let thread = Thread { [self] in
            result = read(path, parts, schema, stamp, displayName, maxBytes)
            finished.signal()
        }
        thread.name = "kccbridge.survey-second-part"
        thread.start()
    }

    func stop() {
        stopAsked.store(true, ordering: .relaxed)
    }

    /// Waits for the thread to end, and gives its result.
    func wait() -> Result<Part, BatchFileError>? {
        finished.wait()
        return result
    }

    private struct Stopped: Error {}

    private func read(
        _ path: String, _ parts: [XMLFilePart], _ schema: XMLSchema, _ stamp: FileStamp?, _ displayName: String,
        _ maxBytes: Int
    ) -> Result<Part, BatchFileError>? {
        var result = Part()
        result.survey.reserve(
            forBytes: (stamp?.size ?? 0) - (parts.first?.start ?? 0), perDocument: XMLFirstPass.bytesPerDocument)
        do {
            let reader = try XMLPullReader(path: path, schema: schema, maxBytes: maxBytes, parts: parts)
            try FileStamp.require(reader.fileStatus(), sameAs: stamp, file: displayName)
            try XMLBatchReader.survey(reader) { _ in
            } documents: {
                result.survey.note(number: $0, isInvoice: $1, orderNumber: $2, line: $3)
            } customers: {
                result.customers.append(($0, $1))
            } checkpoint: { () throws(BatchFileError) in
                bytesConsumed.store(reader.bytesConsumed, ordering: .relaxed)
                if stopAsked.load(ordering: .relaxed) {
                    throw BatchFileError(at: SourceLocation(file: displayName), because: Stopped())
                }
            }
            try FileStamp.require(reader.fileStatus(), sameAs: stamp, file: displayName)
            return .success(result)
        } catch let refusal as BatchFileError where !(refusal.underlying is Stopped) {
            return .failure(refusal)
        } catch {
            return nil
        }
    }
}
