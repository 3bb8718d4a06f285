/// One thing that happened to a document number: an export, a refund applied
/// against it, or a person's resolution naming it.
package enum AuditEvent: Sendable, Hashable, CustomStringConvertible {
    case exported(LedgerDocument)
    case refundApplied(AppliedRefund)
    case resolved(Resolution)

    /// When it happened.
    package var time: Timestamp {
        switch self {
        case .exported(let document): document.exportedAt
        case .refundApplied(let refund): refund.appliedAt
        case .resolved(let resolution): resolution.decidedAt
        }
    }

    /// `2026-11-20T14:03:07Z  INVOICE INV-100234 (…) exported to xero-csv in run 17, /out/x.csv:3`.
    package var description: String {
        switch self {
        case .exported(let document): "\(time)  \(document)"
        case .refundApplied(let refund): "\(time)  \(refund)"
        case .resolved(let resolution): "\(time)  \(resolution)"
        }
    }
}
