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
package struct WatchRoute: Sendable {
    package var root: String
    /// Export targets for KCC batches (`xero-csv`, `qbd-iif`, …).
    package var targets: [String]
    /// Accounting packages that must also record refunds reconciled from a sales channel (`reconcile --to` names).
    package var refundTargets: [String] = []
    /// A file written in place (not renamed in) is claimed once its size and
    /// modification time have not changed for this long.
    package var quietPeriod: Duration = .seconds(2)
    /// How often the inbox is scanned even without a notification.
    package var rescanInterval: Duration = .seconds(2)
    package var configuration: BridgeConfiguration
    /// The packages that convert batches and read and record refunds.
    package var packages: PackageSet
    /// How batches are read (date format, encoding, size limit).
    package var reading = BatchReadOptions()

    package init(root: String, targets: [String], packages: PackageSet) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.targets = targets
        self.packages = packages
        self.configuration = packages.defaultConfiguration
    }

    package var inbox: String { root + "/inbox" }
    package var work: String { root + "/work" }
    package var out: String { root + "/out" }
    package var archive: String { root + "/archive" }
    package var failed: String { root + "/failed" }
    package var state: String { root + "/.state" }
    /// The default ledger of this route.
    package var ledgerPath: String { state + "/ledger.sqlite" }

    package var folders: [String] { [inbox, work, out, archive, failed, state] }

    /// Names that mark a file still being written, never claimed.
    package static func isInFlight(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("~") || name.hasSuffix(".tmp") || name.hasSuffix(".part")
    }
}
