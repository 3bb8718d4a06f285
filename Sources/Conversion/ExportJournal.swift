import KCCModel

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
    func record(_ run: Int64, _ export: ExportRecord) throws
    /// Makes the run's documents count as exported, in one transaction.
    func complete(_ run: Int64) throws
    /// The run wrote nothing after all.
    func abandon(_ run: Int64) throws
}

/// One exported document, as the ledger keeps it.
public struct ExportRecord: Sendable, Hashable {
    public var kind: DocumentKind
    public var number: String
    public var orderNumber: String
    public var relatedInvoice: String?
    public var customerCode: String
    public var customerName: String
    public var date: CalendarDate
    /// Gross (invoices, credit notes) or amount (payments).
    public var gross: Money
    public var file: String
    public var first: Int
    public var unit: String

    public init(document: Document, placement: Placement) {
        kind = document.kind
        number = document.number
        orderNumber = document.orderNumber
        relatedInvoice = document.relatedInvoice
        customerCode = document.customer.code
        customerName = document.customer.name
        date = document.date
        gross = document.gross
        file = placement.file
        first = placement.first
        unit = placement.unit
    }
}

/// No ledger: nothing is remembered between runs.
public final class NoJournal: ExportJournal {
    public init() {}
    public func priorExport(number: String, kind: DocumentKind, target: String) throws -> String? { nil }
    public func begin(input: String, inputSHA256: String, target: String, reexport: Bool) throws -> Int64 { 0 }
    public func willWrite(_ run: Int64, path: String) throws {}
    public func record(_ run: Int64, _ export: ExportRecord) throws {}
    public func complete(_ run: Int64) throws {}
    public func abandon(_ run: Int64) throws {}
}
