import DurableOutput
import KCCModel
import XMLStreaming

/// Writes the XML encoding (`schemas/kcc-batch.xsd`) through libxml2's
/// `xmlTextWriter`, draining to the sink after every document.
final class XMLBatchWriter: BatchWriter {
    private let sink: any ByteSink
    private let xml = XMLStreamWriter()

    init(sink: any ByteSink) {
        self.sink = sink
    }

    func begin(info: BatchInfo, customers: [Customer]) throws {
        try xml.startDocument()
        try xml.startElement("KCCExportBatch", namespace: XMLBatchReader.namespace)
        try xml.attribute("batchId", info.batchID)
        try xml.attribute("created", info.created ?? "1970-01-01T00:00:00Z")
        try xml.attribute("company", info.company ?? "")
        for customer in customers {
            try xml.startElement("Customer")
            try xml.attribute("CustomerCode", customer.code)
            try xml.element("Name", customer.name)
            try xml.element("Email", ifPresent: customer.email)
            let a = customer.address
            if !a.isEmpty {
                try xml.startElement("Address")
                try xml.element("Address1", ifPresent: a.line1)
                try xml.element("Address2", ifPresent: a.line2)
                try xml.element("Town", ifPresent: a.town)
                try xml.element("County", ifPresent: a.county)
                try xml.element("Postcode", ifPresent: a.postcode)
                try xml.element("Country", ifPresent: a.country)
                try xml.endElement()
            }
            try xml.endElement()
        }
        try sink.write(xml.drain())
    }

    func write(_ document: Document) throws {
        let headerFields: [BatchField] = [
            .docNumber, .orderNumber, .docDate, .dueDate, .customerCode, .currency,
            .source, .subsource, .paymentMethod, .relatedInvoice, .amount,
        ]
        switch document {
        case .payment:
            try xml.startElement("Payment")
        case .sales(let sales):
            try xml.startElement(sales.kind == .invoice ? "SalesInvoice" : "CreditNote")
        }
        for field in headerFields {
            try xml.attribute(field.name, ifPresent: document.text(field))
        }
        if case .sales(let sales) = document {
            try xml.element("Reason", ifPresent: sales.reason)
            for line in sales.lines {
                try xml.startElement("Line")
                for field in [
                    BatchField.lineNo, .sku, .quantity, .unitPrice, .discountPercent, .taxCode, .taxRate, .lineNet,
                    .lineTax,
                ] {
                    try xml.attribute(field.name, ifPresent: line.text(field))
                }
                try xml.element("Description", line.description)
                try xml.endElement()
            }
            try xml.startElement("Totals")
            try xml.attribute("net", sales.totals.net.amountText)
            try xml.attribute("tax", sales.totals.tax.amountText)
            try xml.attribute("gross", sales.totals.gross.amountText)
            try xml.endElement()
        }
        try xml.endElement()
        try sink.write(xml.drain())
    }

    func end() throws {
        try xml.endDocument()
        try sink.write(xml.drain())
    }
}
