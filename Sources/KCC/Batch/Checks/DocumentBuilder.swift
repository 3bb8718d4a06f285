import KCCModel

/// Turns a raw document into a checked ``Document``, or into the findings that
/// hold it back. Both encodings go through here, so they are checked by one
/// set of rules with one set of messages (`schemas/kcc-batch-csv.md`,
/// "Checks a reader makes").
struct DocumentBuilder {
    var dateFormat: CalendarDate.Format
    var survey: BatchSurvey

    /// The document if nothing holds it back, and every finding about it.
    func build(_ raw: RawDocument) -> (Document?, [Finding]) {
        var check = DocumentCheck(raw: raw, dateFormat: dateFormat)
        let document = check.run(survey: survey)
        let held = check.findings.contains { $0.severity == .error }
        return (held ? nil : document, check.findings)
    }
}

/// The checks of one document; collects every problem rather than stopping at the first.
private struct DocumentCheck {
    let raw: RawDocument
    let dateFormat: CalendarDate.Format
    var findings: [Finding]

    init(raw: RawDocument, dateFormat: CalendarDate.Format) {
        self.raw = raw
        self.dateFormat = dateFormat
        self.findings = raw.findings
    }

    private var number: String { raw.number }

    private func label(_ field: BatchField) -> String { raw.labels[field] ?? field.name }

    /// Where a value stands: its line, in the document's file.
    private func place(_ value: RawValue) -> SourceLocation {
        SourceLocation(file: raw.location.file, line: value.line)
    }

    /// The raw value of a field a reader below has returned a value for, to point at it.
    /// The readers return `nil` for a missing field, so a field that was read is present.
    private func present(_ field: BatchField, in fields: FieldMap<RawValue>) -> RawValue {
        guard let value = fields[field] else { preconditionFailure("\(field.name) was read, so it is present") }
        return value
    }

    private mutating func error(_ message: String, at location: SourceLocation, field: BatchField? = nil) {
        findings.append(
            Finding(
                .error, at: location, field: field.map(label), document: number,
                "\(message) — document \(number) held back"))
    }

    private mutating func warning(_ message: String, at location: SourceLocation, field: BatchField? = nil) {
        findings.append(
            Finding(
                .warning, at: location, field: field.map(label), document: number,
                "\(message) (document \(number))"))
    }

    // MARK: Field readers

    private mutating func text(
        _ field: BatchField, in fields: FieldMap<RawValue>, at location: SourceLocation, required: Bool,
        why: String = ""
    ) -> String? {
        guard let value = fields[field], !value.text.isEmpty else {
            if required { error("\(label(field)) is empty\(why)", at: location, field: field) }
            return nil
        }
        return value.text
    }

    private mutating func date(
        _ field: BatchField, in fields: FieldMap<RawValue>, at location: SourceLocation, required: Bool,
        format: CalendarDate.Format
    ) -> CalendarDate? {
        guard let value = fields[field], !value.text.isEmpty else {
            if required { error("\(label(field)) is empty", at: location, field: field) }
            return nil
        }
        guard let date = CalendarDate(parsing: value.text, format: format) else {
            let shaped =
                value.text.utf8.count == 10
                && value.text.utf8.enumerated().allSatisfy { index, byte in
                    let separator = format == .iso ? (index == 4 || index == 7) : (index == 2 || index == 5)
                    return separator
                        ? byte
                            == format.rawValue.utf8[
                                format.rawValue.utf8.index(format.rawValue.utf8.startIndex, offsetBy: index)]
                        : (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                }
            // A UK file read with the default: say which option reads it (never guessed, only suggested).
            let hint =
                format == .iso && CalendarDate(parsing: value.text, format: .dayMonthYear) != nil
                ? " (dates written day first need --date-format DD/MM/YYYY)" : ""
            error(
                shaped
                    ? "\(label(field)) '\(value.text)' is not a real date (no such day)"
                    : "\(label(field)) '\(value.text)' is not a date written \(format.rawValue)\(hint)",
                at: place(value), field: field)
            return nil
        }
        return date
    }

    private mutating func money(
        _ field: BatchField, in fields: FieldMap<RawValue>, at location: SourceLocation, currency: Currency?
    ) -> Money? {
        guard let value = fields[field], !value.text.isEmpty else {
            error("\(label(field)) is empty", at: location, field: field)
            return nil
        }
        guard let currency else { return nil }
        do {
            return try Money(parsing: value.text, currency: currency)
        } catch {
            let detail = if case .tooManyDecimals = error { "\(error) for \(currency.code)" } else { "\(error)" }
            self.error("\(label(field)) \(detail)", at: place(value), field: field)
            return nil
        }
    }

    private mutating func decimal(
        _ field: BatchField, in fields: FieldMap<RawValue>, at location: SourceLocation, required: Bool
    ) -> ExactDecimal? {
        guard let value = fields[field], !value.text.isEmpty else {
            if required { error("\(label(field)) is empty", at: location, field: field) }
            return nil
        }
        do {
            return try ExactDecimal(parsing: value.text)
        } catch {
            self.error("\(label(field)) \(error)", at: place(value), field: field)
            return nil
        }
    }

    // MARK: The checks

    mutating func run(survey: BatchSurvey) -> Document? {
        let fields = raw.fields
        let at = raw.location

        if let lines = survey.duplicateLines(of: number) {
            let others = lines.filter { $0 != at.line }.map { String($0) }.joined(separator: ", ")
            error(
                "\(label(.docNumber)) \(number) occurs more than once in the batch (also at line \(others)), so no copy is used",
                at: at, field: .docNumber)
        }
        if number.count > BatchField.maxNumberLength {
            error(
                "\(label(.docNumber)) '\(number)' is longer than \(BatchField.maxNumberLength) characters", at: at,
                field: .docNumber)
        }
        let orderNumber = text(.orderNumber, in: fields, at: at, required: true) ?? ""
        if orderNumber.count > BatchField.maxNumberLength {
            error(
                "\(label(.orderNumber)) '\(orderNumber)' is longer than \(BatchField.maxNumberLength) characters",
                at: at, field: .orderNumber)
        }
        let date = self.date(.docDate, in: fields, at: at, required: true, format: dateFormat)
        let customerCode = text(.customerCode, in: fields, at: at, required: true)
        checkLengths(fields)
        let customerName = text(.customerName, in: fields, at: at, required: true)
        var currency: Currency?
        if let code = text(.currency, in: fields, at: at, required: true) {
            currency = Currency(code: code)
            if currency == nil {
                let value = present(.currency, in: fields)
                error(
                    "\(label(.currency)) '\(code)' is not an ISO 4217 currency code", at: place(value), field: .currency
                )
            }
        }
        if let country = fields[.country], !Self.isCountryCode(country.text) {
            warning(
                "\(label(.country)) '\(country.text)' is not an ISO 3166 two-letter country code", at: place(country),
                field: .country)
        }
        let customer = Customer(
            code: customerCode ?? "", name: customerName ?? "", email: fields[.email]?.text,
            address: Address(
                line1: fields[.address1]?.text, line2: fields[.address2]?.text, town: fields[.town]?.text,
                county: fields[.county]?.text, postcode: fields[.postcode]?.text, country: fields[.country]?.text))
        let channel = SalesChannel(source: fields[.source]?.text, subsource: fields[.subsource]?.text)
        let paymentMethod = fields[.paymentMethod]?.text
        let relatedInvoice = fields[.relatedInvoice]?.text

        switch raw.kind {
        case .payment:
            let amount = checkPayment(currency: currency)
            guard let date, let amount else { return nil }
            return .payment(
                Payment(
                    reference: number, orderNumber: orderNumber, date: date, customer: customer, amount: amount,
                    channel: channel, paymentMethod: paymentMethod, relatedInvoice: relatedInvoice))
        case .invoice, .credit:
            let dueDate = self.date(.dueDate, in: fields, at: at, required: raw.kind == .invoice, format: dateFormat)
            if let date, let dueDate, dueDate < date {
                warning(
                    "\(label(.dueDate)) \(dueDate) is before \(label(.docDate)) \(date)",
                    at: place(present(.dueDate, in: fields)), field: .dueDate)
            }
            if raw.kind == .credit, let related = fields[.relatedInvoice],
                let invoiceOrder = survey.orderNumber(ofInvoice: related.text),
                invoiceOrder != orderNumber
            {
                error(
                    "\(label(.relatedInvoice)) \(related.text) belongs to order \(invoiceOrder) in this batch, not to \(orderNumber)",
                    at: place(related), field: .relatedInvoice)
            }
            if let amount = fields[.amount] {
                error(
                    "\(label(.amount)) must be empty on \(raw.kind == .invoice ? "an invoice" : "a credit note") (it is for payments; the totals are DocNet, DocTax and DocGross)",
                    at: place(amount), field: .amount)
            }
            if raw.kind == .invoice, let related = fields[.reason] {
                warning(
                    "\(label(.reason)) is only meaningful on a credit note; ignored", at: place(related),
                    field: .reason)
            }
            let lines = raw.lines.compactMap { checkLine($0, currency: currency) }
            let totals = checkTotals(lines: lines, currency: currency)
            guard let date, let currency, let totals, lines.count == raw.lines.count else { return nil }
            return .sales(
                SalesDocument(
                    kind: raw.kind, number: number, orderNumber: orderNumber, date: date, dueDate: dueDate,
                    customer: customer, currency: currency, channel: channel, paymentMethod: paymentMethod,
                    relatedInvoice: relatedInvoice, reason: raw.kind == .credit ? fields[.reason]?.text : nil,
                    lines: lines, totals: totals))
        }
    }

    private mutating func checkPayment(currency: Currency?) -> Money? {
        let fields = raw.fields
        if raw.lines.count > 1 {
            error("a payment must have exactly one row, but this one has \(raw.lines.count)", at: raw.lines[1].location)
        }
        for field in BatchField.salesOnly {
            if let value = fields[field] {
                error("\(label(field)) must be empty on a payment", at: place(value), field: field)
            }
        }
        for line in raw.lines {
            for (field, value) in line.fields.sorted(by: { $0.key.name < $1.key.name }) {
                error(
                    "\(label(field)) must be empty on a payment (payments have no lines)", at: place(value),
                    field: field)
            }
        }
        guard let amount = money(.amount, in: fields, at: raw.location, currency: currency) else { return nil }
        if amount.isZero {
            let value = present(.amount, in: fields)
            error("\(label(.amount)) is zero; a payment must be more than nothing", at: place(value), field: .amount)
            return nil
        }
        return amount
    }

    private mutating func checkLine(_ line: RawLine, currency: Currency?) -> DocumentLine? {
        let f = line.fields
        let at = line.location
        let findingsBefore = findings.count
        checkLengths(f)
        var lineNumber = 0
        if let value = f[.lineNo], !value.text.isEmpty {
            if value.text.utf8.count <= 6, let n = Int(value.text), (1...BatchField.maxLineNumber).contains(n),
                value.text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
            {
                lineNumber = n
            } else {
                error(
                    "\(label(.lineNo)) '\(value.text)' is not a whole number from 1 to \(BatchField.maxLineNumber)",
                    at: place(value), field: .lineNo)
            }
        } else {
            error(
                "\(label(.lineNo)) is empty; every row of an invoice or credit note is a line", at: at, field: .lineNo)
        }
        let description = text(.description, in: f, at: at, required: true)
        let quantity = decimal(.quantity, in: f, at: at, required: true)
        if let quantity, quantity.isZero {
            let value = present(.quantity, in: f)
            error(
                "\(label(.quantity)) is zero; quantities are more than zero (the record type says it is a credit)",
                at: place(value), field: .quantity)
        }
        let unitPrice = money(.unitPrice, in: f, at: at, currency: currency)
        let discount = decimal(.discountPercent, in: f, at: at, required: false)
        if let discount, discount.compare(ExactDecimal(100)) > 0 {
            let value = present(.discountPercent, in: f)
            error("\(label(.discountPercent)) \(discount) is more than 100", at: place(value), field: .discountPercent)
        }
        let taxCode = text(.taxCode, in: f, at: at, required: true)
        let taxRate = decimal(.taxRate, in: f, at: at, required: true)
        if let taxRate, taxRate.compare(ExactDecimal(100)) > 0 {
            let value = present(.taxRate, in: f)
            error("\(label(.taxRate)) \(taxRate) is more than 100 percent", at: place(value), field: .taxRate)
        }
        let net = money(.lineNet, in: f, at: at, currency: currency)
        let tax = money(.lineTax, in: f, at: at, currency: currency)

        if let quantity, let unitPrice, let net, !quantity.isZero {
            let netRaw = present(.lineNet, in: f)
            if let expected = Money.lineNet(unitPrice: unitPrice, quantity: quantity, discountPercent: discount) {
                if expected != net {
                    let discountText =
                        discount.map { " less \(label(.discountPercent)) \($0.normalizedDescription)%" } ?? ""
                    error(
                        "line \(lineNumber): \(label(.lineNet)) \(net.amountText) does not equal \(label(.quantity)) \(quantity.normalizedDescription) × \(label(.unitPrice)) \(unitPrice.amountText)\(discountText) = \(expected.amountText) (off by \((net - expected).magnitude.amountText))",
                        at: place(netRaw), field: .lineNet)
                }
            } else {
                error(
                    "line \(lineNumber): \(label(.quantity)) × \(label(.unitPrice)) is too large to compute exactly",
                    at: place(netRaw), field: .lineNet)
            }
        }
        if let net, let tax, let taxRate {
            let taxRaw = present(.lineTax, in: f)
            guard let expected = net.percentage(taxRate) else {
                error(
                    "line \(lineNumber): \(label(.lineNet)) × \(label(.taxRate)) is too large to compute exactly",
                    at: place(taxRaw), field: .lineTax)
                return nil
            }
            let off = (tax - expected).magnitude
            if off.minorUnits == 1 {
                warning(
                    "line \(lineNumber): \(label(.lineTax)) \(tax.amountText) differs by \(off.amountText) from \(label(.lineNet)) \(net.amountText) × \(taxRate.normalizedDescription)% = \(expected.amountText); kept as KCC computed it",
                    at: place(taxRaw), field: .lineTax)
            } else if off.minorUnits > 1 {
                error(
                    "line \(lineNumber): \(label(.lineTax)) \(tax.amountText) does not match \(label(.lineNet)) \(net.amountText) × \(label(.taxRate)) \(taxRate.normalizedDescription)% = \(expected.amountText) (off by \(off.amountText))",
                    at: place(taxRaw), field: .lineTax)
            }
        }
        guard findings[findingsBefore...].allSatisfy({ $0.severity != .error }),
            let description, let quantity, let unitPrice, let taxCode, let taxRate, let net, let tax
        else { return nil }
        return DocumentLine(
            lineNumber: lineNumber, sku: f[.sku]?.text, description: description, quantity: quantity,
            unitPrice: unitPrice, discountPercent: discount, taxCode: taxCode, taxRate: taxRate, net: net, tax: tax)
    }

    private mutating func checkTotals(lines: [DocumentLine], currency: Currency?) -> DocumentTotals? {
        let f = raw.fields
        let at = raw.location
        let net = money(.docNet, in: f, at: at, currency: currency)
        let tax = money(.docTax, in: f, at: at, currency: currency)
        let gross = money(.docGross, in: f, at: at, currency: currency)
        guard let net, let tax, let gross, let currency else { return nil }
        let netRaw = present(.docNet, in: f)
        let taxRaw = present(.docTax, in: f)
        let grossRaw = present(.docGross, in: f)
        var ok = true
        if net + tax != gross {
            error(
                "\(label(.docGross)) \(gross.amountText) does not equal \(label(.docNet)) \(net.amountText) + \(label(.docTax)) \(tax.amountText) (off by \((gross - net - tax).magnitude.amountText))",
                at: place(grossRaw), field: .docGross)
            ok = false
        }
        // Only when every line was readable can the sums be compared.
        if lines.count == raw.lines.count {
            guard let sums = DocumentTotals(summing: lines, currency: currency) else {
                error("the lines add up to more than can be held exactly", at: at, field: .docNet)
                return nil
            }
            if sums.net != net {
                error(
                    "\(label(.docNet)) \(net.amountText) does not equal the sum of \(label(.lineNet)) over \(lines.count) line\(lines.count == 1 ? "" : "s"), \(sums.net.amountText) (off by \((net - sums.net).magnitude.amountText))",
                    at: place(netRaw), field: .docNet)
                ok = false
            }
            if sums.tax != tax {
                error(
                    "\(label(.docTax)) \(tax.amountText) does not equal the sum of \(label(.lineTax)) over \(lines.count) line\(lines.count == 1 ? "" : "s"), \(sums.tax.amountText) (off by \((tax - sums.tax).magnitude.amountText))",
                    at: place(taxRaw), field: .docTax)
                ok = false
            }
        }
        return ok ? DocumentTotals(net: net, tax: tax, gross: gross) : nil
    }

    /// The same caps for both encodings (the XSD states them for XML).
    private mutating func checkLengths(_ fields: FieldMap<RawValue>) {
        func tooLong(_ field: BatchField, _ value: RawValue) -> Int? {
            guard field != .docNumber, field != .orderNumber else { return nil }
            let limit = BatchField.lengthLimits[field.index]
            // A text of no more bytes than the limit has no more characters either: count characters only past it.
            guard value.text.utf8.count > limit, value.text.count > limit else { return nil }
            return limit
        }
        // Almost every row passes: sort (for messages in a fixed order) only when one does not.
        guard fields.containsValue(where: { tooLong($0, $1) != nil }) else { return }
        for (field, value) in fields.sorted(by: { $0.key.name < $1.key.name }) {
            if let limit = tooLong(field, value) {
                error("\(label(field)) is longer than \(limit) characters", at: place(value), field: field)
            }
        }
    }

    private static func isCountryCode(_ text: String) -> Bool {
        text.utf8.count == 2 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }
}
