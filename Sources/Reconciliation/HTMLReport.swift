import Foundation
import KCCModel
import Ledger

/// The reconciliation report as one self-contained HTML page (its style and
/// its small script inside, nothing fetched): totals first, then what needs a
/// person, then everything. The tables sort and filter in the browser; the
/// commands have copy buttons; printed, it is A4 landscape without the
/// controls, and no word or command is broken.
enum HTMLReport {
    /// What the report says around the refunds: where they came from, where
    /// the results are, when, and with which ledger.
    struct Context {
        /// The refund file, as the user named it.
        var input: String
        /// The refund file as seen from the report's folder.
        var inputLink: String
        /// The KCC payment import files, beside the report.
        var paymentImports: [String]
        /// The ledger used, as named to the user (`nil`: the default).
        var ledger: String?
        /// ISO 8601, UTC.
        var created: String
        var timeZone: TimeZone
    }

    /// The page in pieces, a table row at a time, handed to `emit` in order: a report of
    /// many thousand refunds is written without ever being whole in memory.
    static func render(
        _ decisions: RefundDecisions, summary: ReconciliationSummary, context: Context, commands: ResolveCommands,
        emit: ([UInt8]) throws -> Void
    ) throws {
        let imports = context.paymentImports.map { "<a href=\"\(escape(link($0)))\">\(escape($0))</a>" }
            .joined(separator: " and ")
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Refund reconciliation — \(escape(context.input))</title>
            <style>
            \(style)
            </style></head><body>
            <h1>Refund reconciliation</h1>
            <p class="meta">Refunds from <a href="\(escape(link(context.inputLink)))">\(escape(context.input))</a> · \
            made <time datetime="\(escape(context.created))">\(escape(localTime(context.created, in: context.timeZone)))</time> · \
            ledger <code>\(escape(context.ledger ?? "the default (~/.local/share/kccbridge/ledger.sqlite)"))</code> · kccbridge</p>
            <p class="meta">What matched is in the KCC payment import: \(imports) (import them in KCC with "Create and Allocate Payments").</p>
            <h2>Totals</h2>
            <table class="totals"><thead><tr><th>Outcome</th><th class="num">Refunds</th><th class="num">Money</th><th>In the KCC payment import</th></tr></thead><tbody>

            """
        for outcome in RefundOutcome.allCases {
            let count = summary.counts[outcome] ?? 0
            let money = (summary.money[outcome] ?? [:]).sorted { $0.key < $1.key }.map(\.value.description).joined(
                separator: "<br>")
            html +=
                "<tr\(count == 0 ? " class=\"zero\"" : "")><td>\(badge(outcome))</td><td class=\"num\">\(count)</td><td class=\"num\">\(money.isEmpty ? "—" : money)</td><td>\(outcome.isApplied ? "yes" : "no")</td></tr>\n"
        }
        html +=
            "<tr><th>All refunds read</th><th class=\"num\">\(summary.read)</th><th class=\"num\">"
            + summary.moneyRead.sorted { $0.key < $1.key }.map(\.value.description).joined(separator: "<br>")
            + "</th><th></th></tr></tbody></table>\n"
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

        // The summary counted each decision as it was made: its count of those needing a person is theirs.
        html += "<h2>Needs a person (\(summary.needingPerson))</h2>\n"
        html +=
            summary.needingPerson == 0
            ? "<p>Nothing: every refund matched, was already applied, or was resolved by hand.</p>\n"
            : ""
        try emit(Array(html.utf8))
        if summary.needingPerson > 0 {
            try decisions.read(only: .needingPerson) { pass in
                try table(pass, id: "needing", context: context, commands: commands, emit: emit)
            }
        }
        try emit(Array("<h2>Every refund (\(decisions.count))</h2>\n".utf8))
        try decisions.read { pass in try table(pass, id: "every", context: context, commands: nil, emit: emit) }
        try emit(Array("<script>\n\(script)</script>\n</body></html>\n".utf8))
    }

    /// The refunds as a table; with `commands`, a last column says how to resolve each.
    private static func table(
        _ decisions: some Sequence<RefundDecision>, id: String, context: Context, commands: ResolveCommands?,
        emit: ([UInt8]) throws -> Void
    ) rethrows {
        let withCommand = commands != nil
        try emit(
            Array(
                ("<table class=\"refunds\" id=\"\(id)\"><thead><tr><th>Refund</th><th>Date</th><th class=\"num\">Amount</th><th>Outcome</th><th>Credit note</th><th>Order</th><th class=\"why\">Why, and the evidence</th>"
                    + (withCommand ? "<th class=\"cmd\">To resolve</th>" : "") + "</tr></thead><tbody>\n").utf8))
        // Each row is put together as bytes, text escaped straight into them: a report has a row per refund.
        var row: [UInt8] = []
        row.reserveCapacity(4096)
        for d in decisions {
            row.removeAll(keepingCapacity: true)
            let r = d.refund
            func put(_ text: String) { row.append(contentsOf: text.utf8) }
            func escaped(_ text: String) { escape(text, into: &row) }
            put("<tr data-outcome=\"")
            put(d.outcome.rawValue)
            put("\"><td class=\"refund\"><code>")
            escaped(r.id)
            put("</code><br><small>")
            escaped(r.system)
            put(" · ")
            escaped(place(r.location))
            put("</small></td><td class=\"id\">")
            escaped(r.date?.description ?? "—")
            put("</td><td class=\"num\" data-sort=\"")
            if let amount = r.amount { put(String(amount.minorUnits)) }
            put("\">")
            escaped(r.amount?.description ?? "—")
            put("</td><td>")
            put(badge(d.outcome))
            put("</td><td class=\"id\">")
            escaped(d.creditNote ?? "—")
            if !d.earlier.isEmpty {
                put("<div class=\"earlier\">Refunded before: ")
                for (index, applied) in d.earlier.enumerated() {
                    if index > 0 { put("; ") }
                    escaped(
                        "\(applied.refund.refundID) (\(applied.refund.sourceSystem)) \(applied.refund.amount), run \(applied.run)"
                    )
                }
                if d.earlierCount > d.earlier.count {
                    escaped(
                        "; and \(d.earlierCount - d.earlier.count) more (kccbridge ledger export --table refunds lists them all)"
                    )
                }
                put("</div>")
            }
            put("</td><td class=\"id\">")
            escaped(d.orderNumber ?? "—")
            put("</td><td class=\"why\"><strong>")
            escaped(d.reason)
            put("</strong>")
            func list(_ lines: [String]) {
                put("<ul>")
                for line in lines {
                    put("<li>")
                    escaped(line)
                    put("</li>")
                }
                put("</ul>")
            }
            if !d.evidence.isEmpty { list(d.evidence) }
            if !d.candidates.isEmpty {
                put("Candidates: ")
                escaped(d.candidates.joined(separator: ", "))
            }
            if !d.suggestions.isEmpty {
                put("<br>Suggestions (not applied):")
                list(d.suggestions)
            }
            if let resolution = d.resolution {
                put("<br>Resolved: ")
                escaped(ReconciliationOutputs.describe(resolution))
            }
            put("</td>")
            if let commands {
                // Each word kept whole (a browser would break `--ignore` after its hyphens): lines break between words,
                // and a long path after a slash.
                put("<td class=\"cmd\">")
                for line in commands.lines(d.steps, source: d.refund.system) {
                    put("<div class=\"command\"><code>")
                    for (index, word) in line.split(separator: " ").enumerated() {
                        if index > 0 { put(" ") }
                        put("<span class=\"w\">")
                        put(escape(String(word)).replacingOccurrences(of: "/", with: "/<wbr>"))
                        put("</span>")
                    }
                    put("</code></div>")
                }
                put("</td>")
            }
            put("</tr>\n")
            try emit(row)
        }
        try emit(Array("</tbody></table>\n".utf8))
    }

    /// Where a refund was read, by file name and line (the page names the whole path once, at the top).
    private static func place(_ location: SourceLocation) -> String {
        let name = location.file.split(separator: "/").last.map(String.init) ?? location.file
        return location.line.map { "\(name):\($0)" } ?? name
    }

    /// An ISO 8601 UTC time as the clerk's clock shows it: `21 Nov 2026, 09:30 (UTC+00:00, Europe/London)`.
    static func localTime(_ iso: String, in zone: TimeZone) -> String {
        let parser = ISO8601DateFormatter()
        guard let date = parser.date(from: iso) else { return iso }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = "d MMM yyyy, HH:mm '(UTC'xxx"
        return formatter.string(from: date) + ", \(zone.identifier))"
    }

    /// A relative path as a link: each part percent-encoded, slashes kept.
    private static func link(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#"])) ?? String($0)
        }.joined(separator: "/")
    }

    private static func badge(_ outcome: RefundOutcome) -> String {
        let style = outcome.isApplied ? "applied" : (outcome == .duplicate || outcome == .ignored ? "quiet" : "person")
        return "<span class=\"badge \(style)\">\(outcome.rawValue)</span>"
    }

    /// ``escape(_:)`` appended to `out`: the runs between special characters copied whole.
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let entity: StaticString
                switch byte {
                case 0x26: entity = "&amp;"
                case 0x3C: entity = "&lt;"
                case 0x3E: entity = "&gt;"
                case 0x22: entity = "&quot;"
                case 0x27: entity = "&#39;"
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    static func escape(_ text: String) -> String {
        // By bytes, not Characters: faster, and a quote followed by a combining mark is still escaped.
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The page's style: screen first, then print (A4 landscape, no controls).
    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d232a;background:#fff}
        h1{font-size:1.5rem;margin:0 0 .2rem} h2{font-size:1.15rem;margin:2rem 0 .5rem}
        .meta{color:#5b6670;margin:0 0 .4rem} a{color:#0b5cad}
        table{border-collapse:collapse;width:100%;margin:.5rem 0}
        th,td{border-bottom:1px solid #dde3e8;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#f3f6f8;font-weight:600}
        td.id{white-space:nowrap} td.refund code{white-space:nowrap} td.refund small{overflow-wrap:break-word} td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .badge{display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.85em;font-weight:600;white-space:nowrap}
        .applied{background:#dcf3e3;color:#0f5f2c} .person{background:#fde8d7;color:#8a3b00} .quiet{background:#e9edf0;color:#46525c}
        .check{padding:.5rem .75rem;border-radius:4px;margin:.75rem 0} .ok{background:#e6f5ea} .bad{background:#fde2e2}
        code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f3f6f8;padding:.1rem .25rem;border-radius:3px;overflow-wrap:normal;word-break:normal;hyphens:none}
        td.why{min-width:16em} th.cmd,td.cmd{min-width:24em} .command{display:flex;gap:.4rem;align-items:flex-start;margin:.15rem 0}
        .w{white-space:nowrap}
        .earlier{color:#5b6670;font-size:.85em;white-space:normal;min-width:12em}
        ul{margin:.2rem 0;padding-left:1.1rem}
        .controls{display:flex;gap:.5rem;align-items:center;margin:.5rem 0;flex-wrap:wrap}
        .controls input{font:inherit;padding:.25rem .4rem;min-width:18em} .controls select{font:inherit;padding:.2rem}
        .copy{font:12px system-ui,sans-serif;border:1px solid #b9c3cc;background:#fff;border-radius:3px;padding:0 .4rem;cursor:pointer;white-space:nowrap}
        th.sortable{cursor:pointer;user-select:none} th.sortable::after{content:" ↕";color:#9aa5ae} th[aria-sort=ascending]::after{content:" ↑";color:#1d232a} th[aria-sort=descending]::after{content:" ↓";color:#1d232a}
        @page{size:A4 landscape;margin:10mm}
        @media print{
        body{margin:0;font-size:9pt} h2{break-after:avoid;margin-top:1rem} .controls,.copy{display:none}
        thead{display:table-header-group} tr{break-inside:avoid} a{color:inherit;text-decoration:none}
        code{font-size:7.5pt;background:none;padding:0} th,td{padding:.2rem .35rem}
        td.why,th.why{min-width:0;width:34%} th.cmd,td.cmd{min-width:0;width:30%}
        tr.zero{display:none} #every ul{display:none}
        th.sortable::after{content:""}
        }
        """

    /// The page's script: sorting by a header, filtering by words and by outcome, copy buttons.
    /// The controls are made by the script, so a page shown without it has no dead buttons.
    /// `#filter=WORDS` in the address fills the filter in.
    static let script = """
        (function () {
          "use strict";
          function cellValue(row, index) {
            var cell = row.cells[index];
            if (!cell) { return ""; }
            var sort = cell.getAttribute("data-sort");
            return sort !== null && sort !== "" ? Number(sort) : cell.textContent.trim().toLowerCase();
          }
          function makeSortable(table) {
            var headers = table.tHead.rows[0].cells;
            Array.prototype.forEach.call(headers, function (th, index) {
              th.classList.add("sortable");
              th.setAttribute("tabindex", "0");
              function sort() {
                var ascending = th.getAttribute("aria-sort") !== "ascending";
                Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
                th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = cellValue(a, index), y = cellValue(b, index);
                  var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
                  return ascending ? order : -order;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              }
              th.addEventListener("click", sort);
              th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
            });
          }
          function addFilter(table) {
            var outcomes = {};
            Array.prototype.forEach.call(table.tBodies[0].rows, function (row) { outcomes[row.getAttribute("data-outcome")] = true; });
            var controls = document.createElement("div");
            controls.className = "controls";
            var input = document.createElement("input");
            input.type = "search";
            input.placeholder = "Filter: refund, credit note, order, words…";
            input.setAttribute("aria-label", "Filter the refunds");
            var select = document.createElement("select");
            select.setAttribute("aria-label", "Only this outcome");
            select.add(new Option("every outcome", ""));
            Object.keys(outcomes).sort().forEach(function (o) { select.add(new Option(o, o)); });
            var count = document.createElement("span");
            controls.appendChild(input);
            controls.appendChild(select);
            controls.appendChild(count);
            table.parentNode.insertBefore(controls, table);
            function apply() {
              var words = input.value.trim().toLowerCase().split(/\\s+/).filter(Boolean);
              var shown = 0, rows = table.tBodies[0].rows;
              Array.prototype.forEach.call(rows, function (row) {
                var text = row.textContent.toLowerCase();
                var keep = (!select.value || row.getAttribute("data-outcome") === select.value) &&
                  words.every(function (w) { return text.indexOf(w) >= 0; });
                row.hidden = !keep;
                if (keep) { shown += 1; }
              });
              count.textContent = shown + " of " + rows.length + " shown";
            }
            input.addEventListener("input", apply);
            select.addEventListener("change", apply);
            var match = /[#&]filter=([^&]*)/.exec(window.location.hash);
            if (match) { input.value = decodeURIComponent(match[1].replace(/\\+/g, " ")); }
            apply();
          }
          function copy(text, button) {
            function done() { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
            if (navigator.clipboard && window.isSecureContext) {
              navigator.clipboard.writeText(text).then(done, function () { fallback(); });
            } else { fallback(); }
            function fallback() {
              var area = document.createElement("textarea");
              area.value = text;
              document.body.appendChild(area);
              area.select();
              try { document.execCommand("copy"); done(); } catch (e) { button.textContent = "Select and copy"; }
              document.body.removeChild(area);
            }
          }
          Array.prototype.forEach.call(document.querySelectorAll("table.refunds"), function (table) {
            makeSortable(table);
            addFilter(table);
          });
          Array.prototype.forEach.call(document.querySelectorAll(".command"), function (line) {
            var code = line.querySelector("code");
            if (!code || code.textContent.indexOf("kccbridge ") !== 0) { return; }
            var button = document.createElement("button");
            button.type = "button";
            button.className = "copy";
            button.textContent = "Copy";
            button.addEventListener("click", function () { copy(code.textContent, button); });
            line.appendChild(button);
          });
        })();

        """
}
