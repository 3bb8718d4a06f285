import Foundation
import KCCBatch
import PackageInterface
import Reconciliation

/// One watched route and what to do with what arrives in it (README, "Watched folders").
///
/// ```
/// <root>/inbox/    files are dropped here
/// <root>/work/     claimed files while they are processed
/// <root>/out/      results
/// <root>/archive/  originals that were processed, with a date prefix
/// <root>/failed/   originals that could not be processed, with NAME.error.txt
/// <root>/.state/   the ledger (unless another is named) and the route's lock
/// ```
///
/// The folders may also be named one by one (`routes:` in the configuration);
/// `work/` and `.state/` then sit beside the inbox, so that claiming a file
/// stays a rename within one file system.
package struct WatchRoute: Sendable {
    /// Names the route in the log (`watch ROOT` routes are named after their folder).
    package var name: String
    package var inbox: String
    package var work: String
    package var out: String
    package var archive: String
    package var failed: String
    package var state: String
    /// The ledger of this route.
    package var ledgerPath: String
    /// Export targets for KCC batches (`xero-csv`, `qbd-iif`, …).
    package var targets: [String]
    /// Accounting packages that must also record refunds reconciled from a sales channel (`reconcile --to` names).
    package var refundTargets: [String] = []
    /// A file written in place (not renamed in) is claimed once its size and
    /// modification time have not changed for this long.
    package var quietPeriod: Duration = .seconds(2)
    /// How often the inbox is scanned even without a notification.
    package var rescanInterval: Duration = .seconds(2)
    /// File names the route takes (shell patterns: `*.csv`); every name when empty.
    package var patterns: [String] = []
    package var configuration: BridgeConfiguration
    /// The packages that convert batches and read and record refunds.
    package var packages: PackageSet
    /// How batches are read (date format, encoding, size limit).
    package var reading = BatchReadOptions()

    /// The route of one root folder and its usual subfolders.
    package init(root: String, targets: [String], packages: PackageSet) {
        let root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.name = String(root.split(separator: "/").last ?? Substring(root))
        self.inbox = root + "/inbox"
        self.work = root + "/work"
        self.out = root + "/out"
        self.archive = root + "/archive"
        self.failed = root + "/failed"
        self.state = root + "/.state"
        self.ledgerPath = state + "/ledger.sqlite"
        self.targets = targets
        self.packages = packages
        self.configuration = packages.defaultConfiguration
    }

    /// The route a `routes:` entry describes, with the configuration it is read with.
    package init(_ settings: RouteSettings, configuration: BridgeConfiguration, packages: PackageSet) {
        self.init(
            root: settings.root ?? Self.parent(of: settings.inbox ?? "."), targets: settings.convertTo,
            packages: packages)
        name = settings.name
        if let inbox = settings.inbox {
            self.inbox = Self.trimmed(inbox)
            if settings.root == nil {
                work = Self.parent(of: self.inbox) + "/work"
                state = Self.parent(of: self.inbox) + "/.state"
                ledgerPath = state + "/ledger.sqlite"
            }
        }
        if let out = settings.out { self.out = Self.trimmed(out) }
        if let archive = settings.archive { self.archive = Self.trimmed(archive) }
        if let failed = settings.failed { self.failed = Self.trimmed(failed) }
        if let ledger = settings.ledger { ledgerPath = ledger }
        refundTargets = settings.refundsTo
        quietPeriod = .milliseconds(Int64(settings.quietSeconds * 1000))
        patterns = settings.patterns
        self.configuration = configuration
        reading = BatchReadOptions(dateFormat: settings.dateFormat, encoding: settings.encoding)
    }

    package var folders: [String] { [inbox, work, out, archive, failed, state] }

    /// Names that mark a file still being written, never claimed.
    package static func isInFlight(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("~") || name.hasSuffix(".tmp") || name.hasSuffix(".part")
    }

    /// Whether the route takes a file of this name (not in flight, and matching a pattern if any are given).
    package func takes(_ name: String) -> Bool {
        guard !Self.isInFlight(name) else { return false }
        return patterns.isEmpty || patterns.contains { fnmatch($0, name, 0) == 0 }
    }

    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    private static func parent(of path: String) -> String {
        let path = trimmed(path)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
