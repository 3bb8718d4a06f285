import DurableOutput
import KCCModel

/// Writes a KCC batch in one encoding, document by document, to a sink.
public protocol BatchWriter: AnyObject {
    /// Writes whatever comes before the documents (the CSV header, the XML root and customers).
    func begin(info: BatchInfo, customers: [Customer]) throws
    func write(_ document: Document) throws
    /// Writes whatever closes the batch.
    func end() throws
}

extension BatchFile {
    /// A writer of `encoding` into `sink`.
    public static func writer(_ encoding: Encoding, to sink: any ByteSink) -> any BatchWriter {
        switch encoding {
        case .csv: CSVBatchWriter(sink: sink)
        case .xml: XMLBatchWriter(sink: sink)
        }
    }
}

extension Document {
    /// The value of a document-level field, as the batch writes it (nil when empty).
    func text(_ field: BatchField) -> String? {
        let customer = self.customer
        switch field {
        case .recordType: return kind.rawValue
        case .docNumber: return number
        case .orderNumber: return orderNumber
        case .docDate: return date.description
        case .customerCode: return customer.code
        case .customerName: return customer.name
        case .email: return customer.email
        case .address1: return customer.address.line1
        case .address2: return customer.address.line2
        case .town: return customer.address.town
        case .county: return customer.address.county
        case .postcode: return customer.address.postcode
        case .country: return customer.address.country
        case .currency: return currency.code
        default: break
        }
        switch self {
        case .sales(let document):
            switch field {
            case .dueDate: return document.dueDate?.description
            case .source: return document.channel.source
            case .subsource: return document.channel.subsource
            case .paymentMethod: return document.paymentMethod
            case .relatedInvoice: return document.relatedInvoice
            case .reason: return document.reason
            case .docNet: return document.totals.net.amountText
            case .docTax: return document.totals.tax.amountText
            case .docGross: return document.totals.gross.amountText
            default: return nil
            }
        case .payment(let payment):
            switch field {
            case .source: return payment.channel.source
            case .subsource: return payment.channel.subsource
            case .paymentMethod: return payment.paymentMethod
            case .relatedInvoice: return payment.relatedInvoice
            case .amount: return payment.amount.amountText
            default: return nil
            }
        }
    }
}

extension DocumentLine {
    /// The value of a line field, as the batch writes it (nil when empty).
    func text(_ field: BatchField) -> String? {
        switch field {
        case .lineNo: String(lineNumber)
        case .sku: sku
        case .description: description
        case .quantity: quantity.description
        case .unitPrice: unitPrice.amountText
        case .discountPercent: discountPercent?.description
        case .taxCode: taxCode
        case .taxRate: taxRate.description
        case .lineNet: net.amountText
        case .lineTax: tax.amountText
        default: nil
        }
    }
}
