import CSVStreaming
import DurableOutput
import KCCModel
import XMLStreaming

/// One refund as KCC's *Create and Allocate Payments* imports it: money paid
/// back against a credit note.
package struct KCCPayment: Sendable, Hashable {
    package var refundID: String
    package var date: CalendarDate?
    package var amount: Money?
    package var creditNote: String
    package var orderNumber: String?
    package var method: String?
    package var reference: String?
    /// Where the refund was read from (`xero`, `linnworks`).
    package var sourceSystem: String

    package init(
        refundID: String, date: CalendarDate?, amount: Money?, creditNote: String, orderNumber: String?,
        method: String?,
        reference: String?, sourceSystem: String
    ) {
        self.refundID = refundID
        self.date = date
        self.amount = amount
        self.creditNote = creditNote
        self.orderNumber = orderNumber
        self.method = method
        self.reference = reference
        self.sourceSystem = sourceSystem
    }
}

/// The KCC payment import, in its two encodings: CSV, and XML following
/// `schemas/kcc-payments.xsd` (``KCCPaymentsSchema``). Both carry the same
/// fields in the same order.
package enum KCCPaymentImport {
    package static let columns = [
        "RefundId", "Date", "Amount", "Currency", "CreditNote", "OrderNumber", "Method", "Reference", "SourceSystem",
    ]

    /// The CSV file; text cells follow `policy` (a refused cell is written empty). Handed to `out` in
    /// ``OutputPieces``, never whole in memory.
    package static func csv(
        _ payments: some Sequence<KCCPayment>, policy: TextCellPolicy, out: ([UInt8]) throws -> Void
    ) rethrows {
        let csv = CSVWriter()
        var pieces = OutputPieces(csv.encode(columns))
        for p in payments {
            let cells = [
                p.refundID, p.date?.description ?? "", p.amount?.amountText ?? "", p.amount?.currency.code ?? "",
                p.creditNote,
                p.orderNumber ?? "", p.method ?? "", p.reference ?? "", p.sourceSystem,
            ]
            csv.append(cells.map { safe($0, policy) }, to: &pieces.bytes)
            try pieces.handOn(to: out)
        }
        try pieces.finish(to: out)
    }

    /// The XML file: `source` names the refund file, `created` the time of writing (ISO 8601). Handed to
    /// `out` in ``OutputPieces``, never whole in memory.
    package static func xml(
        _ payments: some Sequence<KCCPayment>, source: String, created: String, out: ([UInt8]) throws -> Void
    ) throws {
        let xml = XMLStreamWriter()
        try xml.startDocument()
        try xml.startElement("KCCPaymentImport", namespace: KCCPaymentsSchema.namespace)
        try xml.attribute("source", source)
        try xml.attribute("created", created)
        var pieces = OutputPieces()
        for p in payments {
            try xml.startElement("Payment")
            try xml.attribute("RefundId", p.refundID)
            try xml.attribute("Date", p.date?.description ?? "")
            try xml.attribute("Amount", p.amount?.amountText ?? "")
            try xml.attribute("Currency", p.amount?.currency.code ?? "")
            try xml.attribute("CreditNote", p.creditNote)
            try xml.attribute("OrderNumber", p.orderNumber ?? "")
            try xml.attribute("Method", ifPresent: p.method)
            try xml.attribute("SourceSystem", p.sourceSystem)
            try xml.element("Reference", ifPresent: p.reference)
            try xml.endElement()
            pieces.bytes += xml.drain()
            try pieces.handOn(to: out)
        }
        try xml.endDocument()
        pieces.bytes += xml.drain()
        try pieces.finish(to: out)
    }

    /// `text` as `policy` writes it into a CSV cell (a refused cell is empty).
    package static func safe(_ text: String, _ policy: TextCellPolicy) -> String {
        switch policy.apply(text) {
        case .unchanged(let t), .changed(let t): t
        case .refused: ""
        }
    }
}
