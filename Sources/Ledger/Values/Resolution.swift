/// A person's decision about a refund the reconciliation could not place.
/// The latest resolution of a refund is the one in force; earlier ones stay as history.
package struct Resolution: Sendable, Hashable, CustomStringConvertible {
    /// What to do with the refund.
    package enum Decision: Sendable, Hashable, CustomStringConvertible {
        /// Apply it to this credit note on the next reconciliation.
        case match(creditNote: String)
        /// Leave it out for good.
        case ignore

        /// `match:CRN-1` or `ignore`: how it is stored.
        package var text: String {
            switch self {
            case .match(let creditNote): "match:\(creditNote)"
            case .ignore: "ignore"
            }
        }

        /// Reads the stored form; anything else is `nil`.
        package init?(text: String) {
            if text == "ignore" {
                self = .ignore
            } else if text.hasPrefix("match:"), text.count > 6 {
                self = .match(creditNote: String(text.dropFirst(6)))
            } else {
                return nil
            }
        }

        package var description: String { text }
    }

    package var refundID: String
    package var decision: Decision
    /// Why; free text.
    package var note: String
    /// Who decided (a user name).
    package var decidedBy: String
    package var decidedAt: Timestamp

    package init(refundID: String, decision: Decision, note: String, decidedBy: String, decidedAt: Timestamp) {
        self.refundID = refundID
        self.decision = decision
        self.note = note
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }

    /// `refund R-7 resolved as match:CRN-1 by anna ("customer confirmed by phone")`.
    package var description: String {
        "refund \(refundID) resolved as \(decision) by \(decidedBy)" + (note.isEmpty ? "" : " (\"\(note)\")")
    }
}
