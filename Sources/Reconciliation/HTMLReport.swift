import KCCModel

/// The reconciliation report as one self-contained HTML page (no scripts, no
/// external files): totals first, then what needs a person, then everything.
enum HTMLReport {
    static func render(
        _ decisions: [RefundDecision], summary: ReconciliationSummary, sources: [String], created: String,
        commands: ResolveCommands
    ) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Refund reconciliation — \(escape(sources.joined(separator: ", ")))</title>
            <style>
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d232a;background:#fff}
            h1{font-size:1.5rem;margin:0 0 .2rem} h2{font-size:1.15rem;margin:2rem 0 .5rem}
            .meta{color:#5b6670;margin:0 0 1.5rem}
            table{border-collapse:collapse;width:100%;margin:.5rem 0}
            th,td{border-bottom:1px solid #dde3e8;padding:.35rem .5rem;text-align:left;vertical-align:top}
            th{background:#f3f6f8;font-weight:600} td.id{white-space:nowrap} td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            .badge{display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.85em;font-weight:600;white-space:nowrap}
            .applied{background:#dcf3e3;color:#0f5f2c} .person{background:#fde8d7;color:#8a3b00} .quiet{background:#e9edf0;color:#46525c}
            .check{padding:.5rem .75rem;border-radius:4px;margin:.75rem 0} .ok{background:#e6f5ea} .bad{background:#fde2e2}
            code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f3f6f8;padding:.1rem .25rem;border-radius:3px;overflow-wrap:anywhere}
            td.why{min-width:15em} td.cmd{min-width:19em} td.cmd code{display:block;margin:.1rem 0}
            ul{margin:.2rem 0;padding-left:1.1rem}
            </style></head><body>
            <h1>Refund reconciliation</h1>
            <p class="meta">\(escape(sources.joined(separator: ", "))) · \(escape(created)) · kccbridge</p>
            <h2>Totals</h2>
            <table><tr><th>Outcome</th><th class="num">Refunds</th><th class="num">Money</th><th>In the KCC payment import</th></tr>

            """
        for outcome in RefundOutcome.allCases {
            let count = summary.counts[outcome] ?? 0
            let money = (summary.money[outcome] ?? [:]).sorted { $0.key < $1.key }.map(\.value.description).joined(
                separator: "<br>")
            html +=
                "<tr><td>\(badge(outcome))</td><td class=\"num\">\(count)</td><td class=\"num\">\(money.isEmpty ? "—" : money)</td><td>\(outcome.isApplied ? "yes" : "no")</td></tr>\n"
        }
        html +=
            "<tr><th>All refunds read</th><th class=\"num\">\(summary.read)</th><th class=\"num\">"
            + summary.moneyRead.sorted { $0.key < $1.key }.map(\.value.description).joined(separator: "<br>")
            + "</th><th></th></tr></table>\n"
        let checks = summary.moneyRead.sorted { $0.key < $1.key }.map { c, read in
            "\(read) read = \(summary.moneyMatched[c] ?? .zero(c)) matched + \(summary.moneyListed[c] ?? .zero(c)) listed"
        }
        html +=
            "<p class=\"check \(summary.ties ? "ok" : "bad")\">\(summary.ties ? "✓" : "✗") \(summary.read) refunds read = "
            + RefundOutcome.allCases.compactMap { o in summary.counts[o].map { "\($0) \(o)" } }.joined(separator: " + ")
            + (checks.isEmpty ? "" : "<br>" + checks.map(escape).joined(separator: "<br>")) + "</p>\n"
        if !summary.notRefunds.isEmpty {
            let kinds = summary.notRefunds.sorted { $0.key < $1.key }.map { "<li>\($1) \(escape($0))</li>" }.joined()
            html += "<p>Read but not refunds (never applied):</p><ul>\(kinds)</ul>\n"
        }

        let needing = decisions.filter(\.needsPerson)
        html += "<h2>Needs a person (\(needing.count))</h2>\n"
        html +=
            needing.isEmpty
            ? "<p>Nothing: every refund matched, was already applied, or was resolved by hand.</p>\n"
            : table(needing, commands: commands)
        html += "<h2>Every refund (\(decisions.count))</h2>\n" + table(decisions, commands: nil)
        html += "</body></html>\n"
        return html
    }

    /// The refunds as a table; with `commands`, a last column says how to resolve each.
    private static func table(_ decisions: [RefundDecision], commands: ResolveCommands?) -> String {
        let withCommand = commands != nil
        var html =
            "<table><tr><th>Refund</th><th>Date</th><th class=\"num\">Amount</th><th>Outcome</th><th>Credit note</th><th>Order</th><th>Why, and the evidence</th>"
            + (withCommand ? "<th>To resolve</th>" : "") + "</tr>\n"
        for d in decisions {
            let r = d.refund
            var why = "<strong>\(escape(d.reason))</strong>"
            if !d.evidence.isEmpty { why += "<ul>" + d.evidence.map { "<li>\(escape($0))</li>" }.joined() + "</ul>" }
            if !d.candidates.isEmpty { why += "Candidates: " + escape(d.candidates.joined(separator: ", ")) }
            if !d.suggestions.isEmpty {
                why +=
                    "<br>Suggestions (not applied):<ul>" + d.suggestions.map { "<li>\(escape($0))</li>" }.joined()
                    + "</ul>"
            }
            if let resolution = d.resolution {
                why += "<br>Resolved: " + escape(ReconciliationOutputs.describe(resolution))
            }
            html +=
                "<tr><td><code>\(escape(r.id))</code><br><small>\(escape(r.system)) · \(escape(r.location.description))</small></td>"
                + "<td class=\"id\">\(escape(r.date?.description ?? "—"))</td><td class=\"num\">\(escape(r.amount?.description ?? "—"))</td>"
                + "<td>\(badge(d.outcome))</td><td class=\"id\">\(escape(d.creditNote ?? "—"))</td><td class=\"id\">\(escape(d.orderNumber ?? "—"))</td><td class=\"why\">\(why)</td>"
            if let commands {
                let command = commands.lines(d.steps, source: d.refund.system).map { "<code>\(escape($0))</code>" }
                    .joined(separator: "<br>")
                html += "<td class=\"cmd\">\(command)</td>"
            }
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }

    private static func badge(_ outcome: RefundOutcome) -> String {
        let style = outcome.isApplied ? "applied" : (outcome == .duplicate || outcome == .ignored ? "quiet" : "person")
        return "<span class=\"badge \(style)\">\(outcome.rawValue)</span>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
