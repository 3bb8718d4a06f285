import KCCModel

/// A person's decision about a refund the reconciliation could not place.
/// The latest resolution of a refund is the one in force; earlier ones stay as history.
package struct Resolution: Sendable, Hashable, CustomStringConvertible {
    /// What to do with the refund.
    package enum Decision: Sendable, Hashable, CustomStringConvertible {
        /// Apply it to this credit note on the next reconciliation.
        case match(creditNote: String)
        /// Leave it out for good.
        case ignore
        /// Apply it across several credit notes, these amounts to each (they sum to the refund).
        case split([CreditNotePart])

        /// `match:CRN-1`, `ignore`, or `split:CRN-1=1200 GBP;CRN-2=800 GBP`: how it is stored.
        package var text: String {
            switch self {
            case .match(let creditNote): "match:\(creditNote)"
            case .ignore: "ignore"
            case .split(let parts):
                "split:"
                    + parts.map { "\($0.creditNote)=\($0.amount.minorUnits) \($0.amount.currency.code)" }.joined(
                        separator: ";")
            }
        }

        /// The credit notes it names.
        package var creditNotes: [String] {
            switch self {
            case .match(let creditNote): [creditNote]
            case .ignore: []
            case .split(let parts): parts.map(\.creditNote)
            }
        }

        /// Reads the stored form; anything else is `nil`.
        package init?(text: String) {
            if text == "ignore" {
                self = .ignore
            } else if text.hasPrefix("match:"), text.count > 6 {
                self = .match(creditNote: String(text.dropFirst(6)))
            } else if text.hasPrefix("split:") {
                var parts: [CreditNotePart] = []
                for item in text.dropFirst(6).split(separator: ";") {
                    guard let equals = item.lastIndex(of: "="),
                        case let amount = item[item.index(after: equals)...].split(separator: " "), amount.count == 2,
                        let minor = Int64(amount[0]), let currency = Currency(code: String(amount[1]))
                    else { return nil }
                    parts.append(
                        CreditNotePart(
                            creditNote: String(item[..<equals]), amount: Money(minorUnits: minor, currency: currency)))
                }
                guard parts.count > 1 else { return nil }
                self = .split(parts)
            } else {
                return nil
            }
        }

        /// In words: `split: 12.00 GBP to CRN-1, 8.00 GBP to CRN-2`.
        package var description: String {
            switch self {
            case .split(let parts): "split: " + parts.map { "\($0.amount) to \($0.creditNote)" }.joined(separator: ", ")
            default: text
            }
        }
    }

    package var refundID: String
    package var decision: Decision
    /// Why; free text.
    package var note: String
    /// Who decided (a user name).
    package var decidedBy: String
    package var decidedAt: Timestamp

    /// The refund's source (`linnworks`, `xero`); `nil` in resolutions recorded before sources were kept: any source.
    package var sourceSystem: String?

    package init(
        refundID: String, sourceSystem: String? = nil, decision: Decision, note: String, decidedBy: String,
        decidedAt: Timestamp
    ) {
        self.sourceSystem = sourceSystem
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

/// One credit note's share of a refund split across several.
package struct CreditNotePart: Sendable, Hashable {
    package var creditNote: String
    package var amount: Money

    package init(creditNote: String, amount: Money) {
        self.creditNote = creditNote
        self.amount = amount
    }
}
