import KCCModel

/// The totals of a reconciliation: how many refunds and how much money went to
/// each outcome. Counting is exact and is checked: refunds read equal the sum
/// over outcomes, and money read equals money matched plus money listed.
package struct ReconciliationSummary: Sendable, Hashable {
    package private(set) var read = 0
    package private(set) var counts: [RefundOutcome: Int] = [:]
    /// Money per outcome, per currency (refunds without a readable amount count in `read` only).
    package private(set) var money: [RefundOutcome: [Currency: Money]] = [:]
    package private(set) var moneyRead: [Currency: Money] = [:]
    /// Listed for a person (not applied, not duplicate, not resolved by a person).
    package private(set) var needingPerson = 0
    /// Some total was too large to hold exactly (absurd amounts); the totals do not tie then.
    package private(set) var overflowed = false
    /// Records read that are not refunds (a customer's payment, a supplier's
    /// credit, a deleted refund never applied), by kind: never applied, always said.
    package private(set) var notRefunds: [String: Int] = [:]

    package init() {}

    /// Counts records that are not refunds.
    package mutating func passOver(_ kind: String, count: Int = 1) {
        guard count > 0 else { return }
        notRefunds[kind, default: 0] += count
    }

    package mutating func add(_ decision: RefundDecision) {
        read += 1
        counts[decision.outcome, default: 0] += 1
        if decision.needsPerson { needingPerson += 1 }
        if let amount = decision.refund.amount {
            let c = amount.currency
            if let sum = money[decision.outcome, default: [:]][c, default: .zero(c)].adding(amount),
                let read = moneyRead[c, default: .zero(c)].adding(amount)
            {
                money[decision.outcome, default: [:]][c] = sum
                moneyRead[c] = read
            } else {
                overflowed = true
            }
        }
    }

    /// Money written to the KCC payment import, per currency.
    package var moneyMatched: [Currency: Money] { total { $0.isApplied } }
    /// Money not applied (listed for a person, duplicates, invalid …), per currency.
    package var moneyListed: [Currency: Money] { total { !$0.isApplied } }

    private func total(_ include: (RefundOutcome) -> Bool) -> [Currency: Money] {
        var result: [Currency: Money] = [:]
        for (outcome, amounts) in money where include(outcome) {
            for (currency, amount) in amounts {
                // Each part is at most the money read, which fits.
                result[currency] =
                    result[currency, default: .zero(currency)].adding(amount)
                    ?? result[currency, default: .zero(currency)]
            }
        }
        return result
    }

    /// Both checks of the contract hold.
    package var ties: Bool {
        !overflowed && counts.values.reduce(0, +) == read
            && moneyRead.allSatisfy { currency, amount in
                (moneyMatched[currency] ?? .zero(currency)) + (moneyListed[currency] ?? .zero(currency)) == amount
            }
    }

    /// `12 refunds: 7 matched, …`: the one-line summary.
    package var line: String {
        let parts = RefundOutcome.allCases.compactMap { outcome in counts[outcome].map { "\($0) \(outcome)" } }
        let moneyText = moneyRead.sorted { $0.key < $1.key }.map { c, amount in
            "\(amount) read = \(moneyMatched[c] ?? .zero(c)) matched + \(moneyListed[c] ?? .zero(c)) listed"
        }
        return "\(read) refund\(read == 1 ? "" : "s"): " + (parts.isEmpty ? "none" : parts.joined(separator: ", "))
            + (moneyText.isEmpty ? "" : "; " + moneyText.joined(separator: "; "))
            + "; \(needingPerson) need\(needingPerson == 1 ? "s" : "") a person"
            + (notRefunds.isEmpty
                ? ""
                : "; not refunds: "
                    + notRefunds.sorted { $0.key < $1.key }.map { "\($1) \($0)" }.joined(separator: ", "))
    }
}
