import Foundation
import Testing

/// `routes:` in the configuration, served by one `watch` process; `--check`; `--once` right after a drop; the log.
@Suite("kccbridge watch --config: many routes in one process, real processes on real folders")
struct WatchRoutesTests {
    static let sample = Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv")

    /// A folder with a configuration of two routes: `xero` (xero-csv, CSV and XML only) and `books` (qbd-iif).
    static func twoRoutes(quiet: Double = 0.3) throws -> URL {
        let folder = try temporaryFolder()
        try """
        routes:
          - name: xero
            root: shop-xero
            convert_to: [xero-csv]
            patterns: ["*.csv", "*.xml"]
            quiet_seconds: \(quiet)
          - name: books
            root: shop-books
            convert_to: qbd-iif
            quiet_seconds: \(quiet)
        """.write(to: folder.appendingPathComponent("kccbridge.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test("two routes in one process: each file is done on its own route; SIGTERM logs stopping and stopped, exit 0")
    func twoRoutesServed() throws {
        let folder = try Self.twoRoutes()
        let watcher = try WatchProcess(["watch", "--log-format", "json"], in: folder)
        let xero = folder.appendingPathComponent("shop-xero")
        let books = folder.appendingPathComponent("shop-books")
        #expect(
            Route.waitUntil(10) {
                [xero, books].allSatisfy {
                    FileManager.default.fileExists(atPath: $0.appendingPathComponent("inbox").path)
                }
            })
        try Route.drop(Self.sample, as: "export.csv", into: xero)
        try Route.drop(Self.sample, as: "export.csv", into: books)
        try "notes\n".write(to: xero.appendingPathComponent("inbox/readme.txt"), atomically: true, encoding: .utf8)
        #expect(
            Route.waitUntil(15) { Route.names(xero, "archive").count == 1 && Route.names(books, "archive").count == 1 })
        watcher.signal(SIGTERM)
        let (status, signalled, log) = watcher.wait()
        #expect(status == 0 && !signalled, "\(log)")
        let events = log.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(events.count == log.split(separator: "\n").count, "every log line is one JSON object:\n\(log)")
        func has(_ route: String, _ event: String, _ file: String? = nil) -> Bool {
            events.contains {
                $0["route"] as? String == route && $0["event"] as? String == event
                    && (file == nil || $0["file"] as? String == file)
            }
        }
        for route in ["xero", "books"] {
            #expect(has(route, "started") && has(route, "picked-up", "export.csv") && has(route, "done", "export.csv"))
            #expect(has(route, "stopping") && has(route, "stopped"), "\(log)")
        }
        #expect(has("xero", "ignored", "readme.txt"), "a name the patterns do not take stays, said once")
        #expect(Route.names(xero, "inbox") == ["readme.txt"])
        #expect(Route.names(xero, "out").contains { $0.hasSuffix("export.xero-invoices.csv") })
        #expect(Route.names(books, "out").contains { $0.hasSuffix("export.qbd-transactions.iif") })
        Route.checkInvariants(books, inputs: ["export.csv"])
    }

    @Test("a file still being written on one route never stalls another route")
    func routesIndependent() throws {
        let folder = try Self.twoRoutes(quiet: 1.5)
        let watcher = try WatchProcess(["watch"], in: folder)
        let xero = folder.appendingPathComponent("shop-xero")
        let books = folder.appendingPathComponent("shop-books")
        #expect(
            Route.waitUntil(10) { FileManager.default.fileExists(atPath: books.appendingPathComponent("inbox").path) })
        // A slow writer on xero, for about three seconds.
        let fd = open(xero.appendingPathComponent("inbox/slow.csv").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let text = try String(contentsOf: Self.sample, encoding: .utf8)
        var chunks = Array(text.utf8.chunked(max(1, text.utf8.count / 30)))
        try handle.write(contentsOf: Data(chunks.removeFirst()))
        let start = Date()
        try Route.drop(Self.sample, as: "quick.csv", into: books)
        var booksDoneWhileXeroWrote = false
        for chunk in chunks {
            try handle.write(contentsOf: Data(chunk))
            Thread.sleep(forTimeInterval: 0.1)
            if !Route.names(books, "archive").isEmpty && Route.names(xero, "archive").isEmpty {
                booksDoneWhileXeroWrote = true
            }
        }
        try handle.close()
        #expect(booksDoneWhileXeroWrote, "books finished quick.csv within \(Date().timeIntervalSince(start)) s")
        #expect(Route.waitUntil(10) { Route.names(xero, "archive").count == 1 })
        watcher.signal(SIGTERM)
        let (status, _, log) = watcher.wait()
        #expect(status == 0, "\(log)")
        #expect(log.contains("[xero] slow.csv: done: xero-csv: 13 written"), "\(log)")
    }

    @Test("--once right after files were dropped (written in place, just now) waits for them and drains the inbox")
    func onceDrains() throws {
        let folder = try Self.twoRoutes(quiet: 1)
        for root in ["shop-xero", "shop-books"] {
            let inbox = folder.appendingPathComponent("\(root)/inbox")
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
            // Copied in place: the modification time is now, as after `cp` into the inbox.
            try Data(contentsOf: Self.sample).write(to: inbox.appendingPathComponent("monday.csv"))
        }
        let run = try Run(["watch", "--once"], in: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("[xero] monday.csv: waiting: changed within the last"), "\(run.stdout)")
        for root in ["shop-xero", "shop-books"] {
            let route = folder.appendingPathComponent(root)
            #expect(Route.names(route, "archive").count == 1, "\(root): \(run.stdout)")
            Route.checkInvariants(route, inputs: ["monday.csv"])
        }
        // A failing file makes --once exit 1.
        try "not a batch\n".write(
            to: folder.appendingPathComponent("shop-books/inbox/bad.csv"), atomically: true, encoding: .utf8)
        let failing = try Run(["watch", "--once"], in: folder)
        #expect(failing.status == 1 && failing.stdout.contains("[books] bad.csv: failed:"), "\(failing.stdout)")
    }

    @Test("watch --check validates the routes: 0 when all can be served; an unknown target or a bad key exits 2")
    func check() throws {
        let folder = try Self.twoRoutes()
        let good = try Run(["watch", "--check"], in: folder)
        #expect(
            good.status == 0 && good.stdout.contains("route xero: ")
                && good.stdout.hasSuffix("2 routes can be served\n"))
        try """
        routes:
          - name: shop
            root: shop
            convert_to: [xero-cvs]
          - name: shop
            convert_to: xero-csv
            quiet: 3
        """.write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try Run(["watch", "--check", "--config", "bad.yaml"], in: folder)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("routes[2].quiet") && bad.stderr.contains("is not a known key"), "\(bad.stderr)")
        #expect(bad.stderr.contains("'shop' names two routes") && bad.stderr.contains("needs a root"))
        try "routes:\n  - name: shop\n    root: shop\n    convert_to: [xero-cvs]\n".write(
            to: folder.appendingPathComponent("target.yaml"), atomically: true, encoding: .utf8)
        let target = try Run(["watch", "--check", "--config", "target.yaml"], in: folder)
        #expect(
            target.status == 2 && target.stderr.contains("route shop: 'xero-cvs' is not a target"), "\(target.stderr)")
        let none = try Run(["watch", "--once"], in: try temporaryFolder())
        #expect(none.status == 2 && none.stderr.contains("no routes to watch"))
    }
}
