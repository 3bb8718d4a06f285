import Dispatch
import Foundation
import Ledger
import Logging
import ServiceLifecycle

/// One route served as a `Service`: recover, then claim and process each
/// file as the inbox's events come, until a graceful shutdown, which lets
/// the file in hand finish. The work itself (reading, converting, the
/// ledger) blocks, so it runs on the route's own queue: a slow file in one
/// route never stalls another. An error of the route (a ledger that cannot
/// be reached, a full disk) is logged and retried after a pause; nothing is
/// lost, since a claimed file stays in `work/` until it is finished.
package final class RouteService: Service, @unchecked Sendable {
    private let watcher: Watcher
    private let queue: DispatchQueue
    private let log: @Sendable (WatchEvent) -> Void
    private let retryPause: Duration
    private let stopLock = NSLock()
    private var stopRequested = false

    /// `log` receives every event of the route, on any thread.
    package init(watcher: Watcher, retryPause: Duration = .seconds(5), log: @escaping @Sendable (WatchEvent) -> Void) {
        self.watcher = watcher
        self.queue = DispatchQueue(label: "kccbridge.route.\(watcher.route.name)")
        self.log = log
        self.retryPause = retryPause
    }

    package var route: WatchRoute { watcher.route }

    private var stopping: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopRequested
    }

    package func run() async throws {
        let route = watcher.route
        let pause = max(min(route.rescanInterval, route.quietPeriod), .milliseconds(100))
        await withGracefulShutdownHandler {
            // Start-up recovery first, retried until it can be done (the ledger may be away).
            while !stopping {
                do {
                    try await onQueue { _ = try self.watcher.recover() }
                    break
                } catch {
                    await trouble(error)
                }
            }
            guard !stopping else { return }
            log(
                WatchEvent(
                    file: route.inbox, outcome: .started,
                    detail:
                        "watching (targets: \(route.targets.joined(separator: ", ")); ledger: \(Ledger.displayName(route.ledgerPath)))"
                )
            )
            for await renamed in InboxEvents(folder: route.inbox, pause: pause).cancelOnGracefulShutdown() {
                if stopping { break }
                do {
                    try await onQueue { try self.watcher.processReady(renamedIn: renamed) { self.stopping } }
                } catch {
                    await trouble(error)
                }
            }
        } onGracefulShutdown: {
            self.stopLock.lock()
            self.stopRequested = true
            self.stopLock.unlock()
            let inHand = self.watcher.fileInHand
            self.log(
                WatchEvent(
                    file: route.inbox, outcome: .stopping,
                    detail: inHand.map { "finishing \($0) first" } ?? "no file in hand"))
        }
        log(WatchEvent(file: route.inbox, outcome: .stopped, detail: "stopped"))
    }

    /// Logs a failure of the route itself and waits before trying again.
    private func trouble(_ error: any Error) async {
        // A ledger that does not answer, or that another kccbridge keeps busy, is waited for; anything else is a
        // failure of the route.
        let away = (error as? LedgerError).map { [.unreachable, .commitUnknown, .busy].contains($0.code) } ?? false
        log(
            WatchEvent(
                file: watcher.route.inbox, outcome: away ? .waiting : .failed,
                detail: "the route cannot go on just now (\(error)); trying again in \(retryPause)"))
        try? await Task.sleep(for: retryPause)
    }

    /// Runs `work` on the route's queue and waits for it.
    private func onQueue(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                do {
                    try work()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// Serves routes until SIGTERM or SIGINT, each route a service of one group.
package enum RouteServer {
    package static func serve(_ services: [RouteService], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: $0, successTerminationBehavior: .ignore,
                        failureTerminationBehavior: .ignore, serviceName: "route \($0.route.name)")
                },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// How the watcher's log lines are written: text for people, JSON lines for log shippers.
package enum WatchLogFormat: String, Sendable, CaseIterable {
    case text, json

    /// One line for `event` of `route`, at `time` (ISO 8601).
    package func line(_ event: WatchEvent, route: String, time: String) -> String {
        switch self {
        case .text:
            return "\(time) [\(route)] \(event)"
        case .json:
            var fields: [(String, String)] = [
                ("time", Self.quoted(time)), ("route", Self.quoted(route)),
                ("event", Self.quoted(event.outcome.rawValue)),
                ("file", Self.quoted(event.file)), ("detail", Self.quoted(event.detail)),
            ]
            if [.done, .duplicate, .failed].contains(event.outcome) {
                fields.append(("seconds", String(format: "%.3f", event.seconds)))
            }
            return "{" + fields.map { "\"\($0)\":\($1)" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
