import KCCModel
import Ledger

/// What a conversion asks of the ledger: has this document been sent before,
/// and the run protocol (``RunJournal``) with the documents placed in the
/// run's outputs. The ledger implements it; a run without a ledger uses ``NoJournal``.
///
/// Within ``RunJournal/perform(_:simulate:failpoints:_:complete:)``,
/// ``record(_:_:)`` is called for each document placed in an output, and
/// ``complete(_:)`` makes them count as exported, in one transaction.
package protocol ExportJournal: RunJournal {
    /// Why `number` must not be exported to `target` again, or `nil` if it may.
    func priorExport(number: String, kind: DocumentKind, target: String) throws -> String?
    func record(_ run: RunID, _ document: ExportedDocument) throws
    /// Makes the run's documents count as exported, in one transaction.
    func complete(_ run: RunID) throws
}

/// No ledger: nothing is remembered between runs.
package final class NoJournal: ExportJournal {
    package init() {}
    package func priorExport(number: String, kind: DocumentKind, target: String) throws -> String? { nil }
    package func begin(_ plan: ExportPlan) throws -> RunID { RunID(0) }
    package func willWrite(_ run: RunID, path: String) throws {}
    package func record(_ run: RunID, _ document: ExportedDocument) throws {}
    package func complete(_ run: RunID) throws {}
    package func abandon(_ run: RunID) throws {}
}
