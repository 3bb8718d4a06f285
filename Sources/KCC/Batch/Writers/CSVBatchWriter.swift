import CSVStreaming
import DurableOutput
import KCCModel

/// Writes the CSV encoding: every column of the spec in its order, one row per
/// line (one row per payment), UTF-8, CRLF.
final class CSVBatchWriter: BatchWriter {
    private let sink: any ByteSink
    private let csv = CSVWriter()

    init(sink: any ByteSink) {
        self.sink = sink
    }

    func begin(info: BatchInfo, customers: [Customer]) throws {
        try sink.write(csv.encode(BatchField.allCases.map(\.name)))
    }

    func write(_ document: Document) throws {
        var bytes: [UInt8] = []
        let head = BatchField.allCases.map { $0.isLineField ? nil : document.text($0) }
        switch document {
        case .payment:
            csv.append(head.map { $0 ?? "" }, to: &bytes)
        case .sales(let sales):
            for line in sales.lines {
                let row = BatchField.allCases.enumerated().map { index, field in
                    (field.isLineField ? line.text(field) : head[index]) ?? ""
                }
                csv.append(row, to: &bytes)
            }
        }
        try sink.write(bytes)
    }

    func end() throws {}
}
