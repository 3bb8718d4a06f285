import KCCModel

/// Turning the text of refund files into values, with problems in plain words.
package enum RefundValues {
    /// An amount as a positive money value. Extra zeros past the currency's
    /// digits are accepted (`32.9900` from an API); other digits are not. A
    /// negative amount is a problem unless `negativeIsRefund` (a bank file that
    /// writes money going out as negative): a reversal is never applied silently.
    package static func amount(
        _ text: String?, currency: Currency?, field: String, negativeIsRefund: Bool = false,
        problems: inout RecordProblems
    ) -> Money? {
        guard let text, !text.isEmpty else {
            problems.add("\(field) is missing", field: field)
            return nil
        }
        guard let currency else { return nil }
        if text.hasPrefix("-") && !negativeIsRefund {
            problems.add(
                "\(field) '\(text)' is negative: a reversal or a receipt, not a refund (set refunds.negative_amounts: refund if this file writes refunds as negative)",
                field: field)
            return nil
        }
        let unsigned = text.hasPrefix("-") ? String(text.dropFirst()) : text
        let decimal: ExactDecimal
        do {
            decimal = try ExactDecimal(parsing: unsigned)
        } catch {
            problems.add("\(field) \(error)", field: field)
            return nil
        }
        var units = decimal.units
        var scale = decimal.scale
        while scale > currency.minorUnitDigits, units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        guard scale <= currency.minorUnitDigits else {
            problems.add("\(field) '\(text)' has more decimal places than \(currency.code) allows", field: field)
            return nil
        }
        let money = Money(
            minorUnits: ExactDecimal(units: units, scale: scale).rescaled(to: currency.minorUnitDigits).units,
            currency: currency)
        if money.isZero { problems.add("\(field) is zero", field: field) }
        return money
    }

    /// A currency code, or a problem.
    package static func currency(
        _ code: String?, fallback: Currency?, field: String? = nil, problems: inout RecordProblems
    ) -> Currency? {
        guard let code, !code.isEmpty else {
            if fallback == nil { problems.add("the currency is missing", field: field) }
            return fallback
        }
        guard let currency = Currency(code: code.uppercased()) else {
            problems.add("'\(code)' is not an ISO 4217 currency code", field: field)
            return nil
        }
        return currency
    }

    /// A date: ISO `YYYY-MM-DD` (with any time after it, as APIs write), or
    /// with slashes in `slashFormat`, again with an optional time (`21/03/2025 10:15`).
    package static func date(
        _ text: String?, slashFormat: CalendarDate.Format, field: String? = nil, problems: inout RecordProblems
    ) -> CalendarDate? {
        guard let text, !text.isEmpty else {
            problems.add("the date is missing", field: field)
            return nil
        }
        // Most dates are plain ISO days: read at once from the bytes, which also rules out every other form.
        if text.utf8.count == 10, let date = CalendarDate(parsing: text, format: .iso),
            (1970...2099).contains(date.year)
        {
            return date
        }
        var day = String(text.prefix(10))
        let rest = text.dropFirst(10)
        var format: CalendarDate.Format = day.contains("/") ? slashFormat : .iso
        // `02.07.2020`: dotted dates are written day first wherever they are used.
        if day.count == 10, day.dropFirst(2).first == ".", day.dropFirst(5).first == "." {
            day = day.replacingDots()
            format = .dayMonthYear
        }
        guard Self.isTime(rest), let date = CalendarDate(parsing: day, format: format) else {
            problems.add(
                "the date '\(text)' cannot be read (expected YYYY-MM-DD or \(slashFormat.rawValue), optionally with a time)",
                field: field)
            return nil
        }
        // A refund is made in this era: year 1 or 9999 is a placeholder, never a day money moved.
        guard (1970...2099).contains(date.year) else {
            problems.add("the date '\(text)' is not a day a refund was made", field: field)
            return nil
        }
        return date
    }
}

extension RefundValues {
    /// What may follow a date: nothing, or ` `/`T` and a time whose hours and minutes are real (`10:15`, `T23:59:59Z`).
    static func isTime(_ rest: Substring) -> Bool {
        guard let first = rest.first else { return true }
        guard first == "T" || first == " " else { return false }
        let digits = rest.dropFirst().prefix(5)
        guard digits.count == 5, digits.dropFirst(2).first == ":",
            let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2))
        else {
            // A bare space before something else (a zone name, a weekday) is not refused here; a `T` must carry a time.
            return first == " " && !rest.dropFirst().contains(where: { ("0"..."9").contains($0) })
        }
        return (0..<24).contains(hours) && (0..<60).contains(minutes)
    }
}

extension String {
    /// `02.07.2020` as `02/07/2020`.
    fileprivate func replacingDots() -> String {
        String(map { $0 == "." ? "/" : $0 })
    }
}
