/// Why the ledger could not do what was asked, in words a clerk can act on.
///
/// Problems with one document or refund are not thrown by readers; these are
/// failures of the whole operation, which changed nothing in the ledger.
package struct LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Code: Sendable, Hashable {
        /// Another kccbridge kept the ledger busy for longer than the busy timeout.
        case busy
        /// The file or its folder could not be created or opened.
        case cannotOpen
        /// The file is not an SQLite database, or not a kccbridge ledger, or is damaged.
        case notALedger
        /// The ledger was written by a newer kccbridge, whose changes this one does not know.
        case tooNew
        /// No run has this number.
        case unknownRun
        /// The run is committed or rolled back, so it cannot be completed or abandoned.
        case runNotPending
        /// A planned output already exists; outputs are never overwritten.
        case outputExists
        /// A document names an output the run did not plan.
        case unplannedOutput
        /// A document names an output that is not on disk.
        case missingOutput
        /// The document was exported to the target before, and the run is not a re-export.
        case alreadyExported
        /// The credit note is not in the ledger.
        case unknownCreditNote
        /// The refund's currency is not the credit note's.
        case currencyMismatch
        /// The refund is more than is still open on the credit note.
        case overRefund
        /// The refund was applied before.
        case refundAlreadyApplied
        /// A value given to the ledger is malformed (an empty number, a bad SHA-256, …).
        case invalidValue
        /// The PostgreSQL server could not be reached, or the connection to it was lost.
        case unreachable
        /// The connection was lost while a run committed: whether it did is not known until recovery asks.
        case commitUnknown
        /// Any other failure of the database itself.
        case database
    }

    package var code: Code
    /// One or two plain sentences; they name the ledger file where it matters.
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
