import KCCModel
import PackageInterface
import XMLStreaming

/// Refunds made outside Xero (in a sales channel), as the body of `PUT
/// /Payments`: one `Payment` against each credit note, from the bank account
/// of its payment method. Xero records a refund of a sales credit note this way.
package struct XeroRefundPayments: RefundWriter {
    package let target = "xero-xml"
    package let fileSuffix = "xero-refund-payments.xml"
    /// Where each refund's money left: the bank account of its payment method.
    package let payments: PaymentAccounts

    package init(payments: PaymentAccounts) {
        self.payments = payments
    }

    package func contents(_ refunds: [RefundPayment]) throws -> [UInt8] {
        let xml = XMLStreamWriter()
        try xml.startDocument()
        try xml.startElement("Payments")
        for refund in refunds {
            try xml.startElement("Payment")
            try xml.startElement("CreditNote")
            try xml.element("CreditNoteNumber", refund.creditNote)
            try xml.endElement()
            try xml.startElement("Account")
            try xml.element("Code", payments.account(for: refund.method) ?? payments.defaultAccount ?? "")
            try xml.endElement()
            try xml.element("Date", refund.date.description)
            try xml.element("Amount", refund.amount.amountText)
            try xml.element("Reference", "Refund \(refund.refundID)" + (refund.reference.map { ": \($0)" } ?? ""))
            try xml.endElement()
        }
        try xml.endDocument()
        return xml.drain()
    }
}
