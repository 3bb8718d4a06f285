import CSVStreaming
import DurableOutput
import KCCModel
import Ledger
import XMLStreaming

/// The files a reconciliation writes: the KCC payment import (CSV and XML) for
/// what matched, and the report (CSV and HTML) for everything.
enum ReconciliationOutputs {
    static let paymentColumns = ["RefundId", "Date", "Amount", "Currency", "CreditNote", "OrderNumber", "Method", "Reference", "SourceSystem"]
    static let reportColumns = ["RefundId", "SourceSystem", "Source", "Date", "Outcome", "Reason", "CreditNote", "OrderNumber", "Amount",
                                "Currency", "Evidence", "Candidates", "Suggestions", "Command", "Resolution"]

    /// KCC's payment import, CSV: matched items only.
    static func paymentsCSV(_ decisions: [RefundDecision], policy: TextCellPolicy) -> [UInt8] {
        let csv = CSVWriter()
        var bytes = csv.encode(paymentColumns)
        for d in decisions where d.outcome.isApplied {
            let r = d.refund
            csv.append([r.id, r.date?.description ?? "", r.amount?.amountText ?? "", r.currency?.code ?? "", d.creditNote ?? "",
                        d.orderNumber ?? "", r.method ?? "", r.reference ?? "", r.system].map { safe($0, policy) }, to: &bytes)
        }
        return bytes
    }

    /// KCC's payment import, XML (`schemas/kcc-payments.xsd`): matched items only.
    static func paymentsXML(_ decisions: [RefundDecision], source: String, created: String) throws -> [UInt8] {
        let xml = XMLStreamWriter()
        try xml.startDocument()
        try xml.startElement("KCCPaymentImport", namespace: KCCPaymentsSchema.namespace)
        try xml.attribute("source", source)
        try xml.attribute("created", created)
        for d in decisions where d.outcome.isApplied {
            let r = d.refund
            try xml.startElement("Payment")
            try xml.attribute("RefundId", r.id)
            try xml.attribute("Date", r.date?.description ?? "")
            try xml.attribute("Amount", r.amount?.amountText ?? "")
            try xml.attribute("Currency", r.currency?.code ?? "")
            try xml.attribute("CreditNote", d.creditNote ?? "")
            try xml.attribute("OrderNumber", d.orderNumber ?? "")
            try xml.attribute("Method", ifPresent: r.method)
            try xml.attribute("SourceSystem", r.system)
            try xml.element("Reference", ifPresent: r.reference)
            try xml.endElement()
        }
        try xml.endDocument()
        return xml.drain()
    }

    /// The report, CSV: one row per refund, text escaped for spreadsheets.
    static func reportCSV(_ decisions: [RefundDecision]) -> [UInt8] {
        let csv = CSVWriter()
        var bytes = csv.encode(reportColumns)
        for d in decisions {
            let r = d.refund
            csv.append([r.id, r.system, r.location.description, r.date?.description ?? "", d.outcome.rawValue, d.reason, d.creditNote ?? "",
                        d.orderNumber ?? "", r.amount?.amountText ?? "", r.currency?.code ?? "", d.evidence.joined(separator: "; "),
                        d.candidates.joined(separator: " "), d.suggestions.joined(separator: "; "), d.command ?? "",
                        d.resolution.map(Self.describe) ?? ""].map { safe($0, .escape) }, to: &bytes)
        }
        return bytes
    }

    /// The report's totals, CSV: per outcome and currency, then the two checks
    /// (refunds read = the sum over outcomes; money read = matched + listed).
    static func totalsCSV(_ summary: ReconciliationSummary) -> [UInt8] {
        let csv = CSVWriter()
        var bytes = csv.encode(["Outcome", "Refunds", "Currency", "Amount", "InKCCPaymentImport"])
        for outcome in RefundOutcome.allCases {
            let count = summary.counts[outcome] ?? 0
            let amounts = summary.money[outcome] ?? [:]
            if amounts.isEmpty {
                csv.append([outcome.rawValue, "\(count)", "", "", outcome.isApplied ? "yes" : "no"], to: &bytes)
            }
            for (index, currency) in amounts.keys.sorted().enumerated() {
                csv.append([outcome.rawValue, index == 0 ? "\(count)" : "", currency.code, amounts[currency]!.amountText,
                            outcome.isApplied ? "yes" : "no"], to: &bytes)
            }
        }
        let currencies = summary.moneyRead.keys.sorted()
        csv.append(["all refunds read", "\(summary.read)", "", "", ""], to: &bytes)
        for currency in currencies {
            csv.append(["money read", "", currency.code, summary.moneyRead[currency]!.amountText, ""], to: &bytes)
            csv.append(["money matched", "", currency.code, (summary.moneyMatched[currency] ?? .zero(currency)).amountText, "yes"], to: &bytes)
            csv.append(["money listed", "", currency.code, (summary.moneyListed[currency] ?? .zero(currency)).amountText, "no"], to: &bytes)
        }
        csv.append(["totals tie", summary.ties ? "yes" : "NO", "", "", ""], to: &bytes)
        return bytes
    }

    static func describe(_ resolution: Resolution) -> String {
        let what = switch resolution.decision {
        case .ignore: "ignored"
        case .match(let number): "matched to \(number)"
        }
        return "\(what) by \(resolution.decidedBy) on \(resolution.decidedAt.iso8601): \(resolution.note)"
    }

    static func safe(_ text: String, _ policy: TextCellPolicy) -> String {
        switch policy.apply(text) {
        case .unchanged(let t), .changed(let t): t
        case .refused: ""
        }
    }
}
