import Foundation
import KCCModel
import Ledger
import PackageInterface

/// Decides an outcome for every refund (`docs/reconciliation.md`).
///
/// Matching never guesses: a credit note or order number must be given (in
/// its field, or standing whole in the reference text) and found in the
/// ledger. Near misses become suggestions. Refunds are taken in file order,
/// each reducing what is open on its credit note for the ones after it.
package struct Reconciler {
    private let ledger: any ReconciliationLedger
    /// What this run's refunds did so far: each refund id read, and what was applied to each credit note.
    /// Shared by copies of the reconciler; a file's changes are kept or dropped as one (``beginFile()``).
    private let balances: RunningBalances
    /// Why a refund that would be applied must be held back after all (a
    /// package it is sent on to says its credit note has nothing left).
    package var holdBack: (@Sendable (RefundDecision, RefundPayment) -> String?)?

    /// How many refunds and credit notes the running balances keep in memory before they are written to their
    /// temporary database: about 2 MiB.
    package static let keysInMemory = 1 << 15

    package init(ledger: any ReconciliationLedger, keysInMemory: Int = Reconciler.keysInMemory) {
        self.ledger = ledger
        self.balances = RunningBalances(keysInMemory: keysInMemory)
    }

    /// Lets the ledger fetch together what deciding `refunds` will ask of it; the running balances write what
    /// the refunds before them changed, once memory holds too many.
    package func prepare(for refunds: ArraySlice<Refund>) throws {
        try ledger.prepare(for: refunds)
        try balances.settle()
    }

    /// A refund file starts: what it changes in the running balances is kept (``keepFile()``) or dropped
    /// (``dropFile()``) as one.
    package func beginFile() throws { try balances.beginFile() }
    /// The file's refunds count for the files after it (a pre-check of several files).
    package func keepFile() throws { try balances.keepFile() }
    /// The file is not reconciled after all: the running balances are as they were before it.
    package func dropFile() { balances.dropFile() }

    /// A refund's key among those read in this run: its source and its id.
    private static func key(_ refund: Refund) -> String { "\(refund.system)\u{1F}\(refund.id)" }

    /// Makes control characters that cannot stand where they are visible (`abc\u{0}def`), and says
    /// which fields held them: any in the id, a NUL in the other text. Such a refund is unusable, and is
    /// shown by the visible spelling. A NUL kept in the ledger would be cut short there, making the text
    /// another refund's id or another credit note's number; and the visible spelling of an id could be
    /// another refund's real one, so a refund whose id had a control character is not recorded at all
    /// (``RefundDecision/recorded``).
    /// The refund's text fields other than its id, with their names in a message.
    private static let textFields: [(any WritableKeyPath<Refund, String?> & Sendable, String)] = [
        (\.creditNote, "credit note"), (\.orderNumber, "order number"), (\.reference, "reference"),
        (\.method, "method"), (\.customer, "customer"),
    ]

    private static func showControlCharacters(in refund: inout Refund) -> [String] {
        var unusable: [String] = []
        if refund.id.hasControlCharacters {
            refund.id = refund.id.showingControlCharacters
            unusable.append("the refund id holds a control character (shown as \\u{…})")
        }
        for (path, name) in textFields {
            guard let text = refund[keyPath: path], text.utf8.contains(0) else { continue }
            refund[keyPath: path] = text.showingControlCharacters
            unusable.append("the \(name) holds a NUL character (shown as \\u{0})")
        }
        return unusable
    }

    /// A person's choice to leave `refund` out, if one is recorded (any other choice is not looked at here).
    private func ignoring(_ refund: Refund) throws -> Resolution? {
        guard let resolution = try ledger.resolution(refundID: refund.id, system: refund.system),
            case .ignore = resolution.decision
        else { return nil }
        return resolution
    }

    /// The refund's outcome, or `nil` when it is not a refund after all: a
    /// record deleted or voided in its source that was never applied.
    package mutating func decide(_ refund: Refund) throws -> RefundDecision? {
        guard var decision = try outcome(of: refund) else { return nil }
        // A refund a person chose to leave out (an unusable record, a reversal or a conflict acknowledged) is
        // settled: the report offers no step for it any more.
        if case .ignore? = decision.resolution?.decision { decision.steps = [] }
        return decision
    }

    private mutating func outcome(of refund: Refund) throws -> RefundDecision? {
        let idUnkeepable = refund.id.hasControlCharacters
        var refund = refund
        let unusable = Self.showControlCharacters(in: &refund)
        var decision = RefundDecision(
            refund: refund, outcome: .invalid, reason: "", evidence: [], creditNote: refund.creditNote,
            orderNumber: refund.orderNumber)
        decision.recorded = !idUnkeepable
        let key = Self.key(refund)

        if refund.isVoided {
            // Never applied: money that never went back. Applied before: KCC holds a payment that no longer exists.
            guard try ledger.isRefundApplied(id: refund.id, system: refund.system) else { return nil }
            decision.outcome = .reversal
            decision.reason =
                "refund \(refund.id) was applied in an earlier run and is now deleted or voided in \(refund.system): "
                + "reverse its payment in KCC"
            decision.resolution = try ignoring(refund)
            decision.steps = [.reverseInKCC(refundID: refund.id), .ignore(refundID: refund.id)]
            return decision
        }

        guard refund.isValid, unusable.isEmpty, let amount = refund.amount else {
            var why = unusable + refund.problems.map(\.message)
            if why.isEmpty { why = ["no refund id"] }
            decision.reason = "the record cannot be used: " + why.joined(separator: "; ")
            // A refund the ledger cannot find again by its id can only be mended in its file.
            guard !idUnkeepable else {
                decision.steps = [.fixSourceFile]
                return decision
            }
            decision.steps = [.fixSourceFile, .ignore(refundID: refund.id)]
            // Left out by a person: still invalid, but no longer waiting for one.
            if !refund.id.isEmpty { decision.resolution = try ignoring(refund) }
            return decision
        }
        let seenHere = try balances.sighting(key)
        let earlier: RefundSighting? =
            try seenHere?.sighting ?? ledger.earlierSighting(id: refund.id, system: refund.system)
        let resolution = try ledger.resolution(refundID: refund.id, system: refund.system)
        // A person who chose where this refund goes has settled which version is right; an ignore only acknowledges.
        let placedByPerson: Bool
        switch resolution?.decision {
        case .match?, .split?: placedByPerson = true
        default: placedByPerson = false
        }
        if let earlier, !placedByPerson,
            earlier.amount != amount || (earlier.date != nil && refund.date != nil && earlier.date != refund.date)
        {
            let now = RefundSighting(amount: amount, date: refund.date, applied: false, context: "now")
            decision.outcome = .conflict
            decision.reason =
                "refund \(refund.id) from \(refund.system) was \(earlier.context) as \(earlier.version), and is now \(now.version): "
                + "one refund id is one refund, so a person decides which is right"
            decision.evidence = [
                "earlier: \(earlier.version), \(earlier.context)", "now: \(now.version), \(refund.location)",
            ]
            if let resolution, case .ignore = resolution.decision { decision.resolution = resolution }
            decision.steps = [.checkSource(refundID: refund.id, system: refund.system), .ignore(refundID: refund.id)]
            return decision
        }
        if seenHere == nil { balances.see(key, RunningBalances.Sighting(amount, date: refund.date)) }
        let appliedHere = seenHere?.applied == true
        if try appliedHere || ledger.isRefundApplied(id: refund.id, system: refund.system) {
            decision.outcome = .duplicate
            decision.reason =
                appliedHere
                ? "refund \(refund.id) appears earlier in this file; counted once"
                : "refund \(refund.id) was already applied in an earlier run; not counted again"
            return decision
        }
        // Left out by a person: never applied, whatever the ledger now holds.
        if let resolution, case .ignore = resolution.decision {
            decision.outcome = .ignored
            decision.resolution = resolution
            decision.reason =
                "\(resolution.decidedBy) chose on \(resolution.decidedAt.date) to leave it out of KCC: \(resolution.note)"
            return decision
        }
        if let resolution, case .split(let parts) = resolution.decision {
            try split(&decision, parts, amount: amount, resolution: resolution)
            if decision.outcome.isApplied {
                for part in parts { try balances.apply(part.amount.minorUnits, to: part.creditNote) }
                try balances.markApplied(key)
            } else {
                decision.steps = steps(for: decision)
            }
            return decision
        }
        var givenCreditNote = refund.creditNote
        if let resolution, case .match(let number) = resolution.decision {
            givenCreditNote = number
            decision.evidence.append(
                "a person chose credit note \(number) (\(resolution.decidedBy), \(resolution.decidedAt.iso8601): \(resolution.note))"
            )
        }

        // 1. A credit note named in its field, or standing whole in the reference.
        var creditNote: CreditNoteBalance?
        if let number = givenCreditNote {
            creditNote = try balance(number)
            decision.evidence.append(
                creditNote == nil
                    ? "credit note \(number) is not in the ledger" : "credit note \(number) is in the ledger")
        }
        if creditNote == nil, givenCreditNote == nil || resolution == nil, let reference = refund.reference {
            for token in Self.tokens(reference) where token != givenCreditNote {
                if let found = try balance(token) {
                    creditNote = found
                    decision.evidence.append("the reference '\(reference)' names credit note \(token)")
                    break
                }
            }
        }
        if let creditNote {
            evaluate(&decision, against: creditNote, amount: amount, byOrder: false)
        } else {
            try matchByOrder(&decision, amount: amount)
        }
        if let resolution, case .match(let chosen) = resolution.decision, !decision.outcome.isApplied {
            // The person's decision stands in the ledger, but cannot be carried out: say so, not silently.
            decision.reason =
                "\(resolution.decidedBy) chose credit note \(chosen) on \(resolution.decidedAt.date), but it cannot be applied: "
                + decision.reason
        }
        if decision.outcome.isApplied, let holdBack, let payment = decision.payments.first,
            let reason = holdBack(decision, payment)
        {
            decision.outcome = .overRefund
            decision.reason = reason
        }

        if decision.outcome.isApplied, let number = decision.creditNote {
            try balances.apply(amount.minorUnits, to: number)
            try balances.markApplied(key)
            if case .match? = resolution?.decision { decision.resolution = resolution }
        } else {
            if case .ignore? = resolution?.decision {
                decision.resolution = resolution
            }
            decision.suggestions = try suggestions(for: refund, amount: amount)
            decision.steps = steps(for: decision)
        }
        return decision
    }

    // MARK: Matching

    /// A person's split across credit notes: applied only if every part still
    /// fits (its credit note known, in the refund's currency, with that much
    /// open) and the parts sum to the refund exactly.
    private mutating func split(
        _ decision: inout RefundDecision, _ parts: [CreditNotePart], amount: Money, resolution: Resolution
    ) throws {
        let who = "\(resolution.decidedBy) split the refund on \(resolution.decidedAt.date)"
        let words = parts.map { "\($0.amount) to \($0.creditNote)" }.joined(separator: ", ")
        decision.evidence.append("\(who): \(words) (\(resolution.note))")
        decision.resolution = resolution
        var problem: (RefundOutcome, String)?
        var total = Money.zero(amount.currency)
        for part in parts {
            total = total.adding(part.amount) ?? total
            guard let note = try balance(part.creditNote) else {
                problem = problem ?? (.skippedUnmatchedOrder, "credit note \(part.creditNote) is not in the ledger")
                continue
            }
            decision.evidence.append(
                "\(note.number): gross \(note.gross), refunded before \(note.applied), open \(note.open)")
            if note.currency != amount.currency {
                problem =
                    problem
                    ?? (
                        .currencyMismatch,
                        "credit note \(note.number) is in \(note.currency.code), the refund in \(amount.currency.code)"
                    )
            } else if part.amount > note.open {
                problem =
                    problem ?? (.overRefund, "\(part.amount) is more than the \(note.open) open on \(note.number)")
            }
            decision.customerName = decision.customerName ?? note.customerName
            decision.orderNumber = decision.orderNumber ?? note.orderNumber
        }
        if problem == nil, total != amount {
            problem = (.overRefund, "the parts add up to \(total), not the refund's \(amount)")
        }
        if let (outcome, why) = problem {
            decision.outcome = outcome
            decision.reason = "\(who) (\(words)), but it cannot be applied: \(why)"
            return
        }
        decision.outcome = .matched
        decision.parts = parts
        decision.creditNote = parts.first?.creditNote
        decision.reason = "\(who): \(words)"
    }

    private mutating func evaluate(
        _ decision: inout RefundDecision, against note: CreditNoteBalance, amount: Money, byOrder: Bool
    ) {
        decision.creditNote = note.number
        decision.orderNumber = decision.orderNumber ?? note.orderNumber
        decision.customerName = note.customerName
        decision.evidence.append(
            "\(note.number): gross \(note.gross), refunded before \(note.applied), open \(note.open)")
        if note.currency != amount.currency {
            decision.outcome = .currencyMismatch
            decision.reason =
                "the refund is in \(amount.currency.code) but credit note \(note.number) is in \(note.currency.code)"
        } else if amount > note.open {
            decision.outcome = .overRefund
            decision.reason = "\(amount) is more than the \(note.open) still open on credit note \(note.number)"
        } else if byOrder {
            decision.outcome = .matchedByOrder
            decision.reason = "order \(note.orderNumber) has one credit note with enough open, \(note.number)"
        } else if amount == note.open {
            decision.outcome = .matched
            decision.reason = "refunds the \(note.open) open on credit note \(note.number)"
        } else {
            decision.outcome = .partial
            decision.reason =
                "refunds \(amount) of the \(note.open) open on credit note \(note.number); \(note.open - amount) stays open"
        }
    }

    private mutating func matchByOrder(_ decision: inout RefundDecision, amount: Money) throws {
        let refund = decision.refund
        var order = refund.orderNumber
        if let given = order {
            decision.evidence.append("order number \(given) given")
        } else if let reference = refund.reference {
            for token in Self.tokens(reference)
            where try ledger.isOrderKnown(token) || !ledger.creditNotes(forOrder: token).isEmpty {
                order = token
                decision.evidence.append("the reference '\(reference)' names order \(token)")
                break
            }
        }
        guard let order else {
            decision.outcome = .skippedUnmatchedOrder
            decision.reason =
                refund.creditNote.map {
                    "credit note \($0) was never exported and no order number is given: nothing to negate"
                }
                ?? "neither a credit note nor an order number the ledger knows: nothing to negate, so no refund is created"
            return
        }
        decision.orderNumber = order
        let notes = try ledger.creditNotes(forOrder: order).map(adjusted)
        decision.evidence.append(
            "order \(order): \(notes.isEmpty ? "no credit notes" : notes.map(\.number).joined(separator: ", "))")
        if notes.isEmpty {
            if try ledger.isOrderKnown(order) {
                decision.outcome = .needsCreditNote
                decision.reason =
                    "order \(order) was exported but has no credit note yet: in KCC, copy the order as a credit note and export it"
            } else {
                decision.outcome = .skippedUnmatchedOrder
                decision.reason =
                    "order \(order) was never exported: a refund for it would say we owe the customer money, so it is skipped"
            }
            return
        }
        let sameCurrency = notes.filter { $0.currency == amount.currency }
        // The note with the most open; there is one exactly when some note is in the refund's currency.
        guard let largest = sameCurrency.max(by: { $0.open < $1.open }) else {
            decision.outcome = .currencyMismatch
            decision.reason =
                "the refund is in \(amount.currency.code) but order \(order)'s credit notes are in \(Set(notes.map(\.currency.code)).sorted().joined(separator: ", "))"
            return
        }
        let enough = sameCurrency.filter { $0.open >= amount }
        let exact = enough.filter { $0.open == amount }
        if enough.count == 1 {
            evaluate(&decision, against: enough[0], amount: amount, byOrder: true)
        } else if exact.count == 1 {
            evaluate(&decision, against: exact[0], amount: amount, byOrder: true)
            decision.reason += " (the only one whose open amount equals the refund)"
        } else if enough.isEmpty {
            evaluate(&decision, against: largest, amount: amount, byOrder: true)
        } else {
            decision.outcome = .ambiguous
            decision.candidates = enough.map(\.number)
            decision.creditNote = nil
            decision.reason =
                "order \(order) has \(enough.count) credit notes with \(amount) or more open (\(decision.candidates.joined(separator: ", "))) and the amount does not single one out"
        }
    }

    /// The ledger's balance less what this run has already applied (only ever in the credit note's currency).
    private func adjusted(_ note: CreditNoteBalance) throws -> CreditNoteBalance {
        var note = note
        if let here = try balances.appliedHere(note.number) {
            note.applied += Money(minorUnits: here, currency: note.currency)
        }
        return note
    }

    private func balance(_ number: String) throws -> CreditNoteBalance? {
        try ledger.creditNote(number).map(adjusted)
    }

    // MARK: For a person

    private func suggestions(for refund: Refund, amount: Money) throws -> [String] {
        var out: [String] = []
        if let given = refund.creditNote, try ledger.creditNote(given) == nil {
            for number in try ledger.creditNoteNumbers() where number != given && Self.isTypo(given, number) {
                out.append("credit note \(number) differs from \(given) by one character")
            }
        }
        if let date = refund.date {
            for note in try ledger.creditNotes(
                amount: amount, from: date.adding(days: -7), through: date.adding(days: 7)
            ).map(adjusted)
            where note.open >= amount && note.number != refund.creditNote {
                let sameCustomer = refund.customer.map { $0.caseInsensitiveEquals(note.customerName) } ?? false
                out.append(
                    "credit note \(note.number) (order \(note.orderNumber)\(sameCustomer ? ", same customer" : "")) is for \(note.gross), dated within a week"
                )
            }
        }
        return Array(out.prefix(5))
    }

    /// What a person can do about a refund that was not applied.
    private func steps(for decision: RefundDecision) -> [ResolutionStep] {
        let id = decision.refund.id
        switch decision.outcome {
        case .ambiguous:
            return decision.candidates.map { .match(refundID: id, creditNote: $0) }
        case .needsCreditNote:
            return [.copyOrderAsCreditNote(order: decision.orderNumber), .ignore(refundID: id)]
        case .skippedUnmatchedOrder, .overRefund, .currencyMismatch:
            return [.match(refundID: id, creditNote: nil), .ignore(refundID: id)]
        case .invalid:
            return [.fixSourceFile, .ignore(refundID: id)]
        default:
            return []
        }
    }

    /// Words of a reference that could be document numbers: runs of letters,
    /// digits, `-`, `_` and `/`, at least three long.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
                || scalar == "/"
            {
                current.unicodeScalars.append(scalar)
            } else {
                if current.count >= 3 { tokens.append(current) }
                current = ""
            }
        }
        if current.count >= 3 { tokens.append(current) }
        return tokens.map { $0.trimmingCharacters(in: "-_/") }.filter { $0.count >= 3 }
    }

    /// One substitution, insertion, deletion or swap of neighbours apart.
    package static func isTypo(_ a: String, _ b: String) -> Bool {
        // Asked of every credit note number for each unknown one: plain ASCII is compared on its bytes (each
        // byte one character), anything else character by character.
        var (left, right) = (a, b)
        let ascii = left.withUTF8 { x in
            right.withUTF8 { y in isPrintableASCII(x) && isPrintableASCII(y) ? oneEdit(x, y) : nil }
        }
        return ascii ?? oneEdit(Array(a), Array(b))
    }

    private static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.contains { $0 < 0x20 || $0 > 0x7E }
    }

    /// One element changed, added or dropped, or two neighbours swapped; the same is no typo.
    private static func oneEdit<C: RandomAccessCollection>(_ x: C, _ y: C) -> Bool
    where C.Element: Equatable, C.Index == Int {
        if abs(x.count - y.count) > 1 { return false }
        if x.count == y.count {
            var first = -1
            var second = -1
            for index in 0..<x.count where x[x.startIndex + index] != y[y.startIndex + index] {
                if first < 0 {
                    first = index
                } else if second < 0 {
                    second = index
                } else {
                    return false
                }
            }
            if first < 0 { return false }
            if second < 0 { return true }
            return second == first + 1 && x[x.startIndex + first] == y[y.startIndex + second]
                && x[x.startIndex + second] == y[y.startIndex + first]
        }
        let (long, short) = x.count > y.count ? (x, y) : (y, x)
        var i = 0
        while i < short.count && long[long.startIndex + i] == short[short.startIndex + i] { i += 1 }
        return long.dropFirst(i + 1).elementsEqual(short.dropFirst(i))
    }

}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
