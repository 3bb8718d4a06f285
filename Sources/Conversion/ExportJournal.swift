import KCCModel
import Ledger

/// What a conversion asks of the ledger: has this document been sent before,
/// and the steps that bracket a run's durable writes. The ledger implements
/// it; a run without a ledger uses ``NoJournal``.
///
/// Order of a run: ``begin(input:inputSHA256:target:reexport:)``; then, for
/// each output file, ``willWrite(_:path:)`` before it is created and
/// ``record(_:_:)`` for each document placed in it; the outputs are made
/// durable; then ``complete(_:)``. A crash before `complete` leaves a pending
/// run whose files the next start removes.
public protocol ExportJournal: AnyObject {
    /// Why `number` must not be exported to `target` again, or `nil` if it may.
    func priorExport(number: String, kind: DocumentKind, target: String) throws -> String?
    func begin(input: String, inputSHA256: String, target: String, reexport: Bool) throws -> Int64
    func willWrite(_ run: Int64, path: String) throws
    func record(_ run: Int64, _ document: ExportedDocument) throws
    /// Makes the run's documents count as exported, in one transaction.
    func complete(_ run: Int64) throws
    /// The run wrote nothing after all.
    func abandon(_ run: Int64) throws
}

/// No ledger: nothing is remembered between runs.
public final class NoJournal: ExportJournal {
    public init() {}
    public func priorExport(number: String, kind: DocumentKind, target: String) throws -> String? { nil }
    public func begin(input: String, inputSHA256: String, target: String, reexport: Bool) throws -> Int64 { 0 }
    public func willWrite(_ run: Int64, path: String) throws {}
    public func record(_ run: Int64, _ document: ExportedDocument) throws {}
    public func complete(_ run: Int64) throws {}
    public func abandon(_ run: Int64) throws {}
}
