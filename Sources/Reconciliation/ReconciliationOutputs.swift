import CSVStreaming
import DurableOutput
import KCCModel
import KCCPaymentImport
import Ledger

/// The report a reconciliation writes (CSV and totals; the HTML is
/// ``HTMLReport``), and what goes into the KCC payment import.
enum ReconciliationOutputs {
    static let reportColumns = [
        "RefundId", "SourceSystem", "Source", "Date", "Outcome", "Reason", "CreditNote", "OrderNumber", "Amount",
        "Currency", "Evidence", "Candidates", "Suggestions", "Command", "Resolution",
    ]

    /// What KCC's payment import carries: the applied refunds only.
    static func payments(_ decisions: some Sequence<RefundDecision>) -> some Sequence<KCCPayment> {
        decisions.lazy.filter(\.outcome.isApplied).flatMap { d in
            let r = d.refund
            // A refund split across credit notes is one payment per credit note.
            return d.applications.map { part in
                KCCPayment(
                    refundID: r.id, date: r.date, amount: part.amount, creditNote: part.creditNote,
                    orderNumber: d.orderNumber, method: r.method, reference: r.reference, sourceSystem: r.system)
            }
        }
    }

    /// The report, CSV: one row per refund, text escaped for spreadsheets.
    /// Handed to `out` in ``OutputPieces``, never whole in memory.
    static func reportCSV(
        _ decisions: some Sequence<RefundDecision>, commands: ResolveCommands, out: ([UInt8]) throws -> Void
    ) rethrows {
        let csv = CSVWriter()
        var pieces = OutputPieces(csv.encode(reportColumns))
        for d in decisions {
            let r = d.refund
            csv.append(
                [
                    r.id, r.system, r.location.description, r.date?.description ?? "", d.outcome.rawValue, d.reason,
                    d.creditNote ?? "",
                    d.orderNumber ?? "", r.amount?.amountText ?? "", r.currency?.code ?? "",
                    d.evidence.joined(separator: "; "),
                    d.candidates.joined(separator: " "), d.suggestions.joined(separator: "; "),
                    commands.render(d.steps, source: d.refund.system),
                    d.resolution.map(Self.describe) ?? "",
                ].map { KCCPaymentImport.safe($0, .escape) }, to: &pieces.bytes)
            try pieces.handOn(to: out)
        }
        try pieces.finish(to: out)
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
            for (index, (currency, amount)) in amounts.sorted(by: { $0.key < $1.key }).enumerated() {
                csv.append(
                    [
                        outcome.rawValue, index == 0 ? "\(count)" : "", currency.code, amount.amountText,
                        outcome.isApplied ? "yes" : "no",
                    ], to: &bytes)
            }
        }
        csv.append(["all refunds read", "\(summary.read)", "", "", ""], to: &bytes)
        for (currency, read) in summary.moneyRead.sorted(by: { $0.key < $1.key }) {
            csv.append(["money read", "", currency.code, read.amountText, ""], to: &bytes)
            csv.append(
                [
                    "money matched", "", currency.code, (summary.moneyMatched[currency] ?? .zero(currency)).amountText,
                    "yes",
                ], to: &bytes)
            csv.append(
                [
                    "money listed", "", currency.code, (summary.moneyListed[currency] ?? .zero(currency)).amountText,
                    "no",
                ], to: &bytes)
        }
        for (kind, count) in summary.notRefunds.sorted(by: { $0.key < $1.key }) {
            csv.append(["not a refund: \(kind)", "\(count)", "", "", "no"], to: &bytes)
        }
        csv.append(["totals tie", summary.ties ? "yes" : "NO", "", "", ""], to: &bytes)
        return bytes
    }

    static func describe(_ resolution: Resolution) -> String {
        let what =
            switch resolution.decision {
            case .ignore: "ignored"
            case .match(let number): "matched to \(number)"
            case .split(let parts): "split: " + parts.map { "\($0.amount) to \($0.creditNote)" }.joined(separator: ", ")
            }
        return "\(what) by \(resolution.decidedBy) on \(resolution.decidedAt.iso8601): \(resolution.note)"
    }
}
