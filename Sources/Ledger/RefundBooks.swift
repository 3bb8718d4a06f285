import KCCModel

/// What the ledger's rules for applying refunds look at (``Ledger/apply(_:run:at:in:books:)``): for a set of
/// refunds, every earlier application of their ids and the balance of every credit note they name. It is
/// read in a few queries inside the writing transaction, and kept current as each refund is applied, so a
/// run of thousands of refunds asks the ledger a few dozen questions instead of two per refund.
///
/// Keys compare by their bytes, as SQL compares them.
struct RefundBooks {
    /// Applications of each refund id, oldest first, from every source system.
    private var applications: RowsByKey<AppliedRefund>
    /// Each credit note's balance (the latest export of its number).
    private var balances: RowsByKey<Balance>

    /// What the rules look at of a credit note: its gross as last exported, and what was refunded against it.
    struct Balance {
        var number: String
        var gross: Money
        var applied: Money
        /// What later refunds may still use: gross − applied.
        var open: Money { gross - applied }
    }

    init(for refunds: [RefundApplication], in db: any LedgerConnection) throws {
        applications = try Ledger.grouped(in: db, refunds.map(\.refundID)) { db, list, keys in
            try Ledger.appliedRefunds(in: db, where: "refund_id IN \(list)", keys)
        } by: {
            $0.refund.refundID
        }
        // Only the columns the rules read: the credit notes' names and dates are the reconciliation's business.
        balances = try Ledger.grouped(in: db, refunds.map(\.creditNote)) { db, list, keys in
            try db.rows(
                """
                SELECT d.number, d.currency, d.gross_minor, \(Ledger.appliedSum) AS applied_minor
                FROM exported_document d
                WHERE d.kind = 'CREDIT' AND d.number IN \(list) AND \(Ledger.latestCreditNote)
                """, keys
            ).map { row in
                let number: String = row["number"]
                let gross = try Rows.money(row["gross_minor"], row["currency"], of: "credit note \(number)")
                return Balance(
                    number: number, gross: gross,
                    applied: Money(minorUnits: row["applied_minor"], currency: gross.currency))
            }
        } by: {
            $0.number
        }
    }

    /// The first application that stops `refund` being applied by `run`: the same refund from the same
    /// source applied by another run, or already to the same credit note by this one.
    func earlierApplication(of refund: RefundApplication, run: RunID) -> AppliedRefund? {
        applications[refund.refundID].first { earlier in
            Self.same(earlier.refund.sourceSystem, refund.sourceSystem)
                && (earlier.run != run || Self.same(earlier.refund.creditNote, refund.creditNote))
        }
    }

    /// The credit note `number` with what is still open on it, or `nil` when the ledger does not know it.
    func balance(of number: String) -> Balance? {
        balances[number].first
    }

    /// `application` was recorded: it counts for the refunds after it.
    mutating func note(_ application: AppliedRefund) {
        applications.append(application, to: application.refund.refundID)
        balances.updateFirst(of: application.refund.creditNote) { balance in
            balance.applied += application.refund.amount
        }
    }

    private static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}
