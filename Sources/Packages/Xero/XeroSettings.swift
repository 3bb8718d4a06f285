import KCCModel
import PackageInterface

/// Choices that only Xero's files have (`xero:` in the configuration).
package struct XeroSettings: ConfigurationSection {
    package static let key = "xero"

    /// The organisation's regional date format, for the CSV import.
    package var dateFormat: CalendarDate.Format = .dayMonthYear
    /// `DRAFT`, `SUBMITTED` or `AUTHORISED`, for the XML bodies.
    package var invoiceStatus = "AUTHORISED"
    /// Credit notes in the CSV import: negative unit amounts (default) or positive ones for the credit-note import screen.
    package var negativeCreditNotes = true
    /// Fill the CSV's `Total` and `TaxAmount` columns (Xero computes them when empty).
    package var fillTotals = false

    package static let statuses = ["DRAFT", "SUBMITTED", "AUTHORISED"]

    package init() {}

    package mutating func read(_ node: ConfigNode, _ reader: SectionReader) {
        for pair in reader.pairs(
            node, Self.key, allowed: ["date_format", "invoice_status", "credit_note_sign", "fill_totals"])
        {
            let full = "\(Self.key).\(pair.key)"
            let value = pair.value
            switch pair.key {
            case "date_format":
                if let format = reader.choice(value, full, CalendarDate.Format.self) { dateFormat = format }
            case "invoice_status":
                if let text = reader.choice(value, full, Self.statuses) { invoiceStatus = text }
            case "credit_note_sign":
                if let text = reader.choice(value, full, ["negative", "positive"]) {
                    negativeCreditNotes = text == "negative"
                }
            case "fill_totals":
                if let flag = reader.bool(value, full) { fillTotals = flag }
            default: break
            }
        }
    }
}

extension BridgeConfiguration {
    /// The `xero:` section.
    package var xero: XeroSettings {
        get { self[XeroSettings.self] }
        set { self[XeroSettings.self] = newValue }
    }
}
