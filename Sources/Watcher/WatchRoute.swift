import KCCBatch
import PackageInterface
import Reconciliation

/// One watched root and what to do with what arrives in it (README, "Watched folders").
///
/// ```
/// <root>/inbox/    files are dropped here
/// <root>/work/     claimed files while they are processed
/// <root>/out/      results
/// <root>/archive/  originals that were processed, with a date prefix
/// <root>/failed/   originals that could not be processed, with NAME.error.txt
/// <root>/.state/   the ledger (unless another is named)
/// ```
public struct WatchRoute: Sendable {
    public var root: String
    /// Export targets for KCC batches (`xero-csv`, `qbd-iif`, …).
    public var targets: [String]
    /// Accounting packages that must also record refunds reconciled from a sales channel (`reconcile --to` names).
    public var refundTargets: [String] = []
    /// A file written in place (not renamed in) is claimed once its size and
    /// modification time have not changed for this long.
    public var quietPeriod: Duration = .seconds(2)
    /// How often the inbox is scanned even without a notification.
    public var rescanInterval: Duration = .seconds(2)
    public var configuration: BridgeConfiguration
    /// The packages that convert batches and read and record refunds.
    public var packages: PackageSet
    /// How batches are read (date format, encoding, size limit).
    public var reading = BatchReadOptions()

    public init(root: String, targets: [String], packages: PackageSet) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.targets = targets
        self.packages = packages
        self.configuration = packages.defaultConfiguration
    }

    public var inbox: String { root + "/inbox" }
    public var work: String { root + "/work" }
    public var out: String { root + "/out" }
    public var archive: String { root + "/archive" }
    public var failed: String { root + "/failed" }
    public var state: String { root + "/.state" }
    /// The default ledger of this route.
    public var ledgerPath: String { state + "/ledger.sqlite" }

    public var folders: [String] { [inbox, work, out, archive, failed, state] }

    /// Names that mark a file still being written, never claimed.
    public static func isInFlight(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("~") || name.hasSuffix(".tmp") || name.hasSuffix(".part")
    }
}
