import KCCModel
import Ledger

/// A person's decision checked at once against the ledger, so that `resolve`
/// never records what the next reconciliation could not carry out.
package enum ResolutionCheck {
    /// The decision `credit notes` given on the command line make: one number
    /// is a match; `NUMBER:AMOUNT` parts (two or more, in the refund's
    /// currency) are a split. `nil` and the reason when they make none.
    package static func decision(
        _ creditNotes: [String], refund seen: [RefundOutcomeRecord]
    ) -> (Resolution.Decision?, String?) {
        if creditNotes.count == 1, let only = creditNotes.first, !only.contains(":") {
            return (.match(creditNote: only), nil)
        }
        guard let currency = seen.compactMap(\.amount).first?.currency else {
            return (nil, "refund \(seen.first?.refundID ?? "") has no amount to split")
        }
        var parts: [CreditNotePart] = []
        for item in creditNotes {
            guard let colon = item.lastIndex(of: ":") else {
                return (nil, "'\(item)': a split names each credit note with its share, NUMBER:AMOUNT (CRN-1:12.00)")
            }
            let number = String(item[..<colon])
            guard let amount = try? Money(parsing: String(item[item.index(after: colon)...]), currency: currency),
                amount.minorUnits > 0
            else {
                return (nil, "'\(item)': the share after ':' must be an amount in \(currency.code), more than 0")
            }
            parts.append(CreditNotePart(creditNote: number, amount: amount))
        }
        guard parts.count > 1 else {
            return (nil, "a split needs two or more credit notes; for one, give just its number")
        }
        guard Set(parts.map(\.creditNote)).count == parts.count else { return (nil, "a credit note is named twice") }
        return (.split(parts), nil)
    }

    /// What a person should know before recording the decision, though it may
    /// be right: a credit note of another order than the refund's.
    package static func warnings(
        _ decision: Resolution.Decision, refund seen: [RefundOutcomeRecord], in ledger: Ledger
    ) throws
        -> [String]
    {
        guard let order = seen.first?.orderNumber else { return [] }
        return try decision.creditNotes.compactMap { number in
            guard let note = try ledger.creditNote(number: number), note.orderNumber != order else { return nil }
            return
                "credit note \(number) is for order \(note.orderNumber) (\(note.customerName)), not the refund's order \(order)"
        }
    }

    /// Why the decision cannot be carried out now, or `nil` when it can.
    package static func refusal(
        _ decision: Resolution.Decision, refund seen: [RefundOutcomeRecord], in ledger: Ledger
    ) throws
        -> String?
    {
        let id = seen.first?.refundID ?? ""
        let amount = seen.compactMap(\.amount).first
        let shares: [(String, Money?)]
        switch decision {
        case .ignore: return nil
        case .match(let creditNote): shares = [(creditNote, amount)]
        case .split(let parts):
            shares = parts.map { ($0.creditNote, $0.amount) }
            if let amount {
                let total = parts.dropFirst().reduce(parts[0].amount) { $0.adding($1.amount) ?? $0 }
                if total != amount { return "the shares add up to \(total), but refund \(id) is \(amount)" }
            }
        }
        for (creditNote, share) in shares {
            guard let note = try ledger.creditNote(number: creditNote) else {
                if let other = try ledger.documents(number: creditNote).first {
                    return
                        "\(creditNote) is an exported \(other.document.kind.noun), not a credit note; a refund is matched to a credit note"
                }
                return "credit note \(creditNote) is not in the ledger (it was never exported); export it first"
            }
            guard let share else { continue }
            if share.currency != note.currency {
                return
                    "refund \(id) is in \(share.currency.code) but credit note \(creditNote) is in \(note.currency.code)"
            }
            if share > note.open {
                let what = shares.count == 1 ? "refund \(id) is \(share)" : "the share \(share) of refund \(id)"
                return
                    "\(what) but credit note \(creditNote) has \(note.open) open (gross \(note.gross), \(note.applied) refunded before)"
            }
        }
        return nil
    }
}
