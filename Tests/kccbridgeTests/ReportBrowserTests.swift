import Foundation
import Testing

/// The reconciliation report as a clerk sees it: rendered by headless
/// Chromium, printed to PDF and run with its script. Skipped, with a notice,
/// where no Chromium is installed.
@Suite("The HTML report in a real browser")
struct ReportBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The every-outcome report (ten refunds, six needing a person), made by the CLI, and its folder.
    static func report() throws -> (html: URL, folder: URL) {
        let folder = try temporaryFolder()
        let ledger = ["--ledger", folder.appendingPathComponent("ledger.sqlite").path]
        for batch in [
            Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv"),
            ReconcileCommandTests.fixtures.appendingPathComponent("two-credit-notes.csv"),
        ] {
            _ = try Run(
                ["convert", batch.path, "--to", "xero-xml", "--out", folder.appendingPathComponent("x").path] + ledger)
        }
        let refunds = folder.appendingPathComponent("every-outcome-refunds.csv")
        try FileManager.default.copyItem(
            at: ReconcileCommandTests.fixtures.appendingPathComponent("every-outcome-refunds.csv"), to: refunds)
        let run = try Run(["reconcile", refunds.path, "--out", folder.appendingPathComponent("r").path] + ledger)
        #expect(run.status == 1)
        return (folder.appendingPathComponent("r/every-outcome-refunds.reconciliation-report.html"), folder)
    }

    /// Runs Chromium headless with `arguments` and the page at `url`.
    static func browse(_ arguments: [String], _ url: String) throws -> Run {
        try Run.program(
            chromium!,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=\(try temporaryFolder().path)",
            ]
                + arguments + [url])
    }

    @Test("the links, the ledger and the local time are in the page; the files it links to exist")
    func contents() throws {
        let (html, _) = try Self.report()
        let text = try String(contentsOf: html, encoding: .utf8)
        #expect(text.contains("<a href=\"../every-outcome-refunds.csv\">"))
        #expect(text.contains("<a href=\"every-outcome-refunds.kcc-payments.csv\">"))
        #expect(text.contains("ledger <code>") && text.contains("ledger.sqlite</code>"))
        #expect(text.contains("(UTC+") || text.contains("(UTC-"), "the time with its zone")
        let folder = html.deletingLastPathComponent()
        for target in ["../every-outcome-refunds.csv", "every-outcome-refunds.kcc-payments.csv"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(target).path))
        }
        #expect(!text.contains("<script src") && !text.contains("<link "), "self-contained")
    }

    @Test("printed: A4 landscape, at most four pages for ten refunds (it was seven)")
    func printed() throws {
        guard Self.chromium != nil else {
            print("note: Chromium is not installed here, so the report is not rendered (the page itself is tested)")
            return
        }
        let (html, folder) = try Self.report()
        let pdf = folder.appendingPathComponent("report.pdf")
        let run = try Self.browse(["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)"], html.absoluteString)
        let bytes = try Data(contentsOf: pdf)
        let text = String(decoding: bytes, as: UTF8.self)
        let pages =
            text.components(separatedBy: "/Type /Page").count - 1
            - (text.components(separatedBy: "/Type /Pages").count - 1)
        #expect(pages >= 1 && pages <= 4, "\(pages) pages; \(run.stderr.suffix(300))")
        // A4 landscape: 842 × 595 points, give or take a rounding.
        let box = try #require(text.range(of: #"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]"#, options: .regularExpression))
        let size = text[box].dropFirst("/MediaBox [0 0 ".count).dropLast().split(separator: " ").compactMap {
            Double($0)
        }
        #expect(size.count == 2 && abs(size[0] - 842) < 1 && abs(size[1] - 595) < 1, "A4 landscape: \(size)")
    }

    @Test("its script runs: sortable headers, a filter taken from the address, copy buttons for each command")
    func script() throws {
        guard Self.chromium != nil else {
            print("note: Chromium is not installed here, so the report's script is not run")
            return
        }
        let (html, _) = try Self.report()
        let dom = try Self.browse(
            ["--dump-dom", "--virtual-time-budget=2000"], html.absoluteString + "#filter=CRN-004609")
        #expect(dom.status == 0)
        #expect(dom.stdout.contains("class=\"sortable\""), "headers made sortable")
        #expect(dom.stdout.contains("<button type=\"button\" class=\"copy\">Copy</button>"), "copy buttons")
        // The filter from the address leaves only the refunds that mention CRN-004609, in both tables.
        let rows = dom.stdout.components(separatedBy: "<tr data-outcome=").dropFirst()
        let hidden = rows.filter { $0.prefix(80).contains("hidden") }
        let shown = rows.filter { !$0.prefix(80).contains("hidden") }
        #expect(!hidden.isEmpty && !shown.isEmpty)
        #expect(shown.allSatisfy { $0.contains("CRN-004609") })
        #expect(dom.stdout.contains(" of 10 shown"))
    }
}
