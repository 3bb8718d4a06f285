import Conversion
import KCCBatch
import KCCModel
import Ledger
import Reconciliation

// The documents `--format json` prints: one per command, documented in the
// README ("Results for scripts"). Amounts are decimal strings in the
// currency's digits, never floating point.

/// A finding: where, how grave, which document and field, and the sentence.
struct JSONFinding: Encodable {
    var file: String
    var line: Int?
    var severity: String
    var field: String?
    var document: String?
    var message: String

    init(_ finding: Finding) {
        file = finding.location.file
        line = finding.location.line
        severity = finding.severity.rawValue
        field = finding.field
        document = finding.document
        message = finding.message
    }
}

/// An amount and its currency.
struct JSONMoney: Encodable {
    var amount: String
    var currency: String

    init(_ money: Money) {
        amount = money.amountText
        currency = money.currency.code
    }
}

/// `check --format json` and `convert --format json`.
struct JSONBatchResult: Encodable {
    var command: String
    var status: Int32
    var files: [File]

    struct File: Encodable {
        var input: String
        var target: String?
        var preCheck: Bool?
        /// Every document found, good or held back.
        var documentsRead: Int
        var written: Int?
        var notCarried: Int?
        /// Good documents left out because `--only` does not name them.
        var notSelected: Int?
        var heldBack: [String]
        var rowsSkipped: Int
        var warnings: Int
        var refused: Bool
        var interrupted: Bool
        var outputs: [String]
        var problemsFile: String?
        var failure: String?
        var findings: [JSONFinding]
    }
}

extension JSONBatchResult.File {
    init(check summary: BatchCheckSummary, findings: [Finding]) {
        self.init(
            input: summary.file, target: nil, preCheck: nil,
            documentsRead: summary.documentsRead + summary.heldBack.count,
            written: nil, notCarried: nil, notSelected: nil, heldBack: summary.heldBack.sorted(),
            rowsSkipped: summary.otherErrors,
            warnings: summary.warnings, refused: summary.refused, interrupted: summary.interrupted, outputs: [],
            problemsFile: nil,
            failure: summary.refused && !summary.interrupted
                ? findings.last { $0.severity == .error && $0.document == nil }?.message : nil,
            findings: findings.map(JSONFinding.init))
    }

    /// A file not read at all: a stop was asked for before its turn came.
    static func notStarted(_ input: String) -> Self {
        Self(
            input: input, target: nil, preCheck: nil, documentsRead: 0, written: nil, notCarried: nil,
            notSelected: nil, heldBack: [], rowsSkipped: 0, warnings: 0, refused: false, interrupted: true,
            outputs: [], problemsFile: nil, failure: Interruption.notStartedReason, findings: [])
    }

    init(convert r: ConversionReport, findings: [Finding], listsOutputs: Bool = true) {
        self.init(
            input: r.input, target: r.target, preCheck: r.preCheck,
            documentsRead: r.reading.documentsRead + r.reading.heldBack.count, written: r.written,
            notCarried: r.notCarried, notSelected: r.notSelected, heldBack: r.allHeldBack.sorted(),
            rowsSkipped: r.reading.otherErrors,
            warnings: r.reading.warnings + r.warnings, refused: r.reading.refused, interrupted: r.reading.interrupted,
            outputs: listsOutputs ? r.outputs : [], problemsFile: listsOutputs ? r.problemsFile : nil,
            failure: r.failure,
            findings: findings.map(JSONFinding.init))
    }
}

/// `reconcile --format json`.
struct JSONReconcileResult: Encodable {
    var command = "reconcile"
    var status: Int32
    var files: [File]

    struct File: Encodable {
        var input: String
        var preCheck: Bool
        var refundsRead: Int
        var outcomes: [String: Int]
        var needingPerson: Int
        var notRefunds: [String: Int]
        /// Per currency: the money read, matched (in the KCC payment import) and listed for a person.
        var money: [String: Totals]
        /// Refunds read = the sum of the outcomes, and money read = matched + listed, in every currency.
        var totalsAgree: Bool
        var outputs: [String]
        var notes: [String]
        var failure: String?
        var interrupted: Bool
        var refunds: [Refund]
    }

    struct Totals: Encodable {
        var read: String
        var matched: String
        var listed: String
    }

    struct Refund: Encodable {
        var id: String
        var source: String
        var file: String
        var line: Int?
        var amount: JSONMoney?
        var outcome: String
        var needsPerson: Bool
        var creditNote: String?
        var order: String?
        var reason: String
        /// Commands that resolve it, each complete (a person picks one).
        var commands: [String]
        /// Steps in words, done outside kccbridge (in KCC, in the source file).
        var instructions: [String]
    }
}

extension JSONReconcileResult.File {
    /// A file not read at all: a stop was asked for before its turn came.
    static func notStarted(_ input: String, preCheck: Bool) -> Self {
        Self(
            input: input, preCheck: preCheck, refundsRead: 0, outcomes: [:], needingPerson: 0, notRefunds: [:],
            money: [:], totalsAgree: true, outputs: [], notes: [], failure: Interruption.notStartedReason,
            interrupted: true, refunds: [])
    }

    init(_ report: ReconcileReport, preCheck: Bool, commands: ResolveCommands) throws {
        let s = report.summary
        let money = s.moneyRead.map { currency, read in
            (
                currency.code,
                JSONReconcileResult.Totals(
                    read: read.amountText, matched: (s.moneyMatched[currency] ?? .zero(currency)).amountText,
                    listed: (s.moneyListed[currency] ?? .zero(currency)).amountText)
            )
        }
        self.init(
            input: report.input, preCheck: preCheck, refundsRead: s.read,
            outcomes: Dictionary(uniqueKeysWithValues: s.counts.map { ($0.key.rawValue, $0.value) }),
            needingPerson: s.needingPerson, notRefunds: s.notRefunds,
            money: Dictionary(uniqueKeysWithValues: money), totalsAgree: s.ties, outputs: report.outputs,
            notes: report.notes, failure: report.failure?.description, interrupted: report.interrupted,
            refunds: try report.decisions.read { pass in
                pass.map { d in
                    let lines = commands.lines(d.steps, source: d.refund.system)
                    return JSONReconcileResult.Refund(
                        id: d.refund.id, source: d.refund.system, file: d.refund.location.file,
                        line: d.refund.location.line, amount: d.refund.amount.map(JSONMoney.init),
                        outcome: d.outcome.rawValue, needsPerson: d.needsPerson, creditNote: d.creditNote,
                        order: d.orderNumber, reason: d.reason, commands: lines.filter { $0.hasPrefix("kccbridge ") },
                        instructions: lines.filter { !$0.hasPrefix("kccbridge ") })
                }
            })
    }
}

/// `ledger list --format json`.
struct JSONLedgerList: Encodable {
    var command = "ledger list"
    var documents: [Document]

    struct Document: Encodable {
        var run: Int64
        var exportedAt: String
        var target: String
        var kind: String
        var number: String
        var occurrence: Int
        var order: String
        var customerCode: String
        var customerName: String
        var gross: JSONMoney
        var file: String
        var index: Int
    }

    init(_ documents: [LedgerDocument]) {
        self.documents = documents.map { entry in
            let d = entry.document
            return Document(
                run: Int64(entry.run.rawValue), exportedAt: "\(entry.exportedAt)", target: entry.target,
                kind: d.kind.rawValue, number: d.number, occurrence: entry.occurrence, order: d.orderNumber,
                customerCode: d.customerCode, customerName: d.customerName, gross: JSONMoney(d.gross),
                file: d.outputFile, index: d.outputIndex)
        }
    }
}

/// `reconcile --pending --format json`.
struct JSONPendingRefunds: Encodable {
    var command = "reconcile --pending"
    var status: Int32
    var refunds: [Refund]

    struct Refund: Encodable {
        var id: String
        var source: String
        var outcome: String
        var amount: JSONMoney?
        var creditNote: String?
        var order: String?
        var reason: String
        var file: String
        var line: Int?
        /// Commands that resolve it, each complete.
        var commands: [String]
    }

    init(status: Int32, _ records: [RefundOutcomeRecord], commands: [[String]]) {
        self.status = status
        refunds = zip(records, commands).map { record, commands in
            Refund(
                id: record.refundID, source: record.sourceSystem, outcome: record.outcome,
                amount: record.amount.map(JSONMoney.init), creditNote: record.creditNote, order: record.orderNumber,
                reason: record.reason, file: record.sourceFile, line: record.sourceLine, commands: commands)
        }
    }
}
