import CSVStreaming
import DurableOutput
import Foundation
import KCCModel
import Logging
import Mapping
import QuickBooksFormats
import Refunds
import XeroFormats

/// What a reconciliation run needs of the ledger beyond looking things up:
/// bracketing its durable writes, and recording the decisions in one
/// transaction once the outputs are on disk.
public protocol ReconciliationStore: ReconciliationLedger {
    func begin(input: String, inputSHA256: String) throws -> Int64
    func willWrite(_ run: Int64, path: String) throws
    /// Records every applied refund against its credit note, and the outcome of every refund, in one transaction.
    func complete(_ run: Int64, decisions: [RefundDecision]) throws
    func abandon(_ run: Int64) throws
}

/// Choices for one reconciliation.
public struct ReconcileOptions: Sendable {
    public var outputFolder: String
    /// Decide and report, write nothing and record nothing.
    public var preCheck = false
    /// The refund file format; `nil` sniffs it.
    public var format: RefundFormat?
    public var settings = RefundSettings()
    /// For the KCC payment import's text cells.
    public var textPolicy: TextCellPolicy = .escape
    /// Accounting-package targets that must also record the applied refunds
    /// (when refunds were made in a sales channel): `xero-xml`, `qbd-iif`.
    public var refundTargets: [RefundTarget] = []
    /// The configuration those targets' files are written with.
    public var configuration = BridgeConfiguration()
    /// The creation time written into the outputs (ISO 8601); now by default.
    public var createdAt: String?
    /// QuickBooks Desktop credit memo TxnIDs by RefNumber or KCC number (for `qbd-qbxml` refunds).
    public var creditMemoTxnIDs: [String: String] = [:]
    /// "Sync the original order if missing" (seed 001, `refunds.sync_missing_orders`):
    /// given the order numbers of refunds whose order was never exported, exports
    /// those orders' documents from a supplied batch and says what it did.
    public var syncMissingOrders: (@Sendable (Set<String>) -> [String])?

    public init(outputFolder: String) {
        self.outputFolder = outputFolder
    }
}

/// An accounting package that can be sent the refunds a reconciliation applied.
public enum RefundTarget: String, Sendable, CaseIterable {
    /// `Payments` against credit notes, for Xero's API.
    case xeroXML = "xero-xml"
    /// `CHECK` or `CCARD REFUND` transactions, for QuickBooks Desktop's IIF import.
    case qbdIIF = "qbd-iif"
    /// `ARRefundCreditCardAdd` or `CheckAdd` requests (qbXML 13.0), applied to
    /// each credit memo by its TxnID (from a `CreditMemoQueryRs`, `--credit-memos`).
    case qbdQBXML = "qbd-qbxml"

    /// The system refunds read back from this package come from: those are in the package already.
    var sourceSystem: String {
        switch self {
        case .xeroXML: "xero"
        case .qbdIIF, .qbdQBXML: "quickbooks-desktop"
        }
    }

    /// The export targets of the same package: the credit note must have gone there.
    var exportPrefix: String {
        switch self {
        case .xeroXML: "xero-"
        case .qbdIIF, .qbdQBXML: "qbd-"
        }
    }

    var fileSuffix: String {
        switch self {
        case .xeroXML: "xero-refund-payments.xml"
        case .qbdIIF: "qbd-refunds.iif"
        case .qbdQBXML: "qbd-refunds.qbxml"
        }
    }

    func contents(_ refunds: [RefundPayment], configuration: BridgeConfiguration, creditMemoTxnIDs: [String: String]) throws -> [UInt8] {
        switch self {
        case .xeroXML: try XeroRefundPayments.body(refunds, configuration: configuration)
        case .qbdIIF: IIFRefunds.file(refunds, configuration: configuration)
        case .qbdQBXML: try DesktopRefund.requestSet(refunds, configuration: configuration, creditMemoTxnIDs: creditMemoTxnIDs)
        }
    }
}

/// A reason a whole refund file is not reconciled, in words for the user.
struct ReconcileRefusal: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What reconciling one refund file did.
public struct ReconcileReport: Sendable {
    public var input: String
    public var decisions: [RefundDecision] = []
    public var summary = ReconciliationSummary()
    public var outputs: [String] = []
    /// Why nothing was written or recorded for this file.
    public var failure: Finding?
    /// Things worth saying that change no outcome (refunds not sent on to a package, and why).
    public var notes: [String] = []

    /// Something needs a person: exit status 1.
    public var needsAttention: Bool { failure != nil || summary.needingPerson > 0 }
}

/// Reconciles refund files against the ledger and writes the KCC payment
/// import and the report, durably, before recording anything.
public final class ReconciliationRun {
    private let store: any ReconciliationStore
    private let logger: Logger
    private var reconciler: Reconciler

    public init(store: any ReconciliationStore, logger: Logger) {
        self.store = store
        self.logger = logger
        self.reconciler = Reconciler(ledger: store)
    }

    /// Reconciles one file; refunds applied by earlier files of the same run count for later ones.
    public func reconcile(_ path: String, displayName: String? = nil, options: ReconcileOptions) -> ReconcileReport {
        let name = displayName ?? path
        var report = ReconcileReport(input: name)
        let refunds: [Refund]
        do {
            refunds = try RefundFile.read(path, displayName: name, format: options.format, settings: options.settings)
        } catch {
            report.failure = error.finding
            return report
        }
        if let sync = options.syncMissingOrders, !options.preCheck {
            do {
                report.notes += sync(try missingOrders(refunds))
            } catch {
                report.failure = Finding(.error, at: SourceLocation(file: name), "the ledger could not be asked about missing orders: \(error)")
                return report
            }
        }
        let stem = Self.stem(of: path)
        let folder = options.outputFolder
        let paths = [
            "\(folder)/\(stem).kcc-payments.csv", "\(folder)/\(stem).kcc-payments.xml",
            "\(folder)/\(stem).reconciliation-report.csv", "\(folder)/\(stem).reconciliation-totals.csv",
            "\(folder)/\(stem).reconciliation-report.html",
        ] + options.refundTargets.map { "\(folder)/\(stem).\($0.fileSuffix)" }
        let before = reconciler
        do {
            for refund in refunds {
                let decision = try reconciler.decide(refund)
                report.decisions.append(decision)
                report.summary.add(decision)
            }
            report.outputs = paths
            // What each accounting package is sent, decided before anything is written (pre-check included).
            let applied = report.decisions.compactMap(Self.payment)
            var targetPayments: [[RefundPayment]] = []
            for target in options.refundTargets {
                var sendable: [RefundPayment] = []
                for (decision, payment) in zip(report.decisions.filter { Self.payment($0) != nil }, applied) {
                    if decision.refund.system == target.sourceSystem {
                        report.notes.append("refund \(payment.refundID) came from \(target.sourceSystem) and is already there; not written for \(target.rawValue)")
                    } else if try !store.exportTargets(of: payment.creditNote).contains(where: { $0.hasPrefix(target.exportPrefix) }) {
                        report.notes.append("credit note \(payment.creditNote) was never exported to \(target.exportPrefix.dropLast()); refund \(payment.refundID) not written for \(target.rawValue)")
                    } else if target == .qbdQBXML,
                              DesktopRefund.txnID(for: payment.creditNote, in: options.creditMemoTxnIDs, configuration: options.configuration) == nil {
                        // Applying the refund in KCC but not in QuickBooks would split the books: refuse the file instead.
                        throw ReconcileRefusal("refund \(payment.refundID) pays back credit memo \(payment.creditNote), whose QuickBooks TxnID is not in --credit-memos (query the credit memos again and run once more)")
                    } else {
                        sendable.append(payment)
                    }
                }
                targetPayments.append(sendable)
            }
            if options.preCheck {
                if let taken = paths.first(where: { access($0, F_OK) == 0 }) { throw OutputError(.exists, path: taken) }
                return report
            }

            let created = options.createdAt ?? Self.timestamp()
            let policy: TextCellPolicy = options.textPolicy == .refuse ? .escape : options.textPolicy
            var contents: [[UInt8]] = [
                ReconciliationOutputs.paymentsCSV(report.decisions, policy: policy),
                try ReconciliationOutputs.paymentsXML(report.decisions, source: name, created: created),
                ReconciliationOutputs.reportCSV(report.decisions),
                ReconciliationOutputs.totalsCSV(report.summary),
                Array(HTMLReport.render(report.decisions, summary: report.summary, sources: [name], created: created).utf8),
            ]
            for (target, sendable) in zip(options.refundTargets, targetPayments) {
                contents.append(try target.contents(sendable, configuration: options.configuration, creditMemoTxnIDs: options.creditMemoTxnIDs))
            }
            let run = try store.begin(input: name, inputSHA256: SHA256.hexDigest(ofFile: path) ?? "")
            var files: [DurableFile] = []
            do {
                for (path, bytes) in zip(paths, contents) {
                    try store.willWrite(run, path: path)
                    let file = try DurableFile(path: path)
                    files.append(file)
                    try file.write(bytes)
                }
                for file in files { try file.commit() }
                try store.complete(run, decisions: report.decisions)
            } catch {
                // Whatever was already in place goes too: the ledger will not know it.
                for file in files { file.withdraw() }
                try? store.abandon(run)
                throw error
            }
            // The ledger now holds this file's refunds; the next file reads them from there.
            reconciler = Reconciler(ledger: store)
            logger.info("reconciled", metadata: ["file": "\(name)", "refunds": "\(refunds.count)"])
        } catch {
            reconciler = before
            report.outputs = []
            report.failure = Finding(.error, at: SourceLocation(file: name), "nothing was written or recorded for this file: \(error)")
        }
        return report
    }

    /// Orders of valid refunds that the ledger has never seen (no credit note it
    /// knows, no document of the order): the ones "sync the original order" may export.
    private func missingOrders(_ refunds: [Refund]) throws -> Set<String> {
        var orders: Set<String> = []
        for refund in refunds where refund.isValid {
            guard let order = refund.orderNumber else { continue }
            if let creditNote = refund.creditNote, try store.creditNote(creditNote) != nil { continue }
            if try !store.isOrderKnown(order), try store.creditNotes(forOrder: order).isEmpty { orders.insert(order) }
        }
        return orders
    }

    /// The refund as the accounting package records it, for applied outcomes.
    static func payment(_ decision: RefundDecision) -> RefundPayment? {
        guard decision.outcome.isApplied, let creditNote = decision.creditNote, let amount = decision.refund.amount,
              let date = decision.refund.date else { return nil }
        return RefundPayment(refundID: decision.refund.id, creditNote: creditNote, orderNumber: decision.orderNumber,
                             customerName: decision.customerName ?? decision.refund.customer ?? "", amount: amount, date: date,
                             method: decision.refund.method, reference: decision.refund.reference)
    }

    static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
