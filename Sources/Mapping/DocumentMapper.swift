import CSVStreaming
import KCCModel
import PackageInterface

/// Applies the configuration to a document: the one mapping layer in front of
/// every writer (sales-channel mapping, payment accounts, tax codes).
package struct DocumentMapper: Sendable {
    package let configuration: BridgeConfiguration
    /// How formula-like text is treated (the configured policy for CSV imports; `.keep` for XML).
    package let textPolicy: TextCellPolicy
    /// Characters the target cannot carry inside a text field (IIF: tab, CR, LF), written as a space with a warning.
    package let breakingCharacters: Set<Unicode.Scalar>
    /// The sales account when a line has no other: the configured one, else the package's own.
    package let defaultSalesAccount: String

    package init(
        configuration: BridgeConfiguration, textPolicy: TextCellPolicy, breakingCharacters: Set<Unicode.Scalar> = [],
        packageSalesAccount: String = "200"
    ) {
        self.configuration = configuration
        self.textPolicy = textPolicy
        self.breakingCharacters = breakingCharacters
        self.defaultSalesAccount = configuration.channels.defaultSalesAccount ?? packageSalesAccount
    }

    /// The mapper for `format`: its text policy and the characters its files cannot carry.
    package init(configuration: BridgeConfiguration, format: any ExportFormat) {
        self.init(
            configuration: configuration, textPolicy: format.textPolicy, breakingCharacters: format.breakingCharacters,
            packageSalesAccount: format.defaultSalesAccount)
    }

    /// The mapped document, or `nil` with the findings that hold it back.
    package func map(_ document: Document, at location: SourceLocation) -> (MappedDocument?, [Finding]) {
        var run = MappingRun(document: document, location: location, policy: textPolicy, breaking: breakingCharacters)
        let customer = document.customer
        let channel: SalesChannel
        let paymentMethod: String?
        switch document {
        case .sales(let sales): (channel, paymentMethod) = (sales.channel, sales.paymentMethod)
        case .payment(let payment): (channel, paymentMethod) = (payment.channel, payment.paymentMethod)
        }
        let rule = configuration.channels.enabled ? self.rule(for: channel) : nil
        if configuration.channels.enabled, rule == nil, channel.source != nil {
            run.warning(
                "no channel rule for \(channel.source ?? "")\(channel.subsource.map { " / \($0)" } ?? ""); the default sales account \(defaultSalesAccount) is used"
            )
        }

        let contactName = run.text(rule?.customer ?? customer.name, field: "CustomerName")
        let a = customer.address
        let contact = MappedContact(
            name: contactName, email: customer.email.map { run.text($0, field: "Email") },
            address: Address(
                line1: a.line1.map { run.text($0, field: "Address1") },
                line2: a.line2.map { run.text($0, field: "Address2") },
                town: a.town.map { run.text($0, field: "Town") },
                county: a.county.map { run.text($0, field: "County") },
                postcode: a.postcode.map { run.text($0, field: "Postcode") }, country: a.country))

        let bankAccount = configuration.payments.account(for: paymentMethod)
        var lines: [MappedLine] = []
        switch document {
        case .payment:
            if bankAccount == nil {
                run.error(
                    "PaymentMethod \(paymentMethod.map { "'\($0)'" } ?? "(none)") has no bank account under payments.accounts and there is no payments.default_account"
                )
            }
        case .sales(let sales):
            let account = salesAccount(kind: sales.kind, rule: rule)
            for line in sales.lines {
                let description = run.text(line.description, field: "Description", line: line.lineNumber)
                let refundTaxCode =
                    sales.kind == .credit && !configuration.channels.enabled
                    ? configuration.channels.refundTaxCode : nil
                let taxCode = refundTaxCode ?? line.taxCode
                guard let tax = configuration.taxCodes[taxCode] else {
                    run.error(
                        "line \(line.lineNumber): TaxCode \(taxCode) has no entry under tax_codes in the configuration")
                    continue
                }
                if let rate = tax.rate, rate.compare(line.taxRate) != 0 {
                    run.warning(
                        "line \(line.lineNumber): TaxRate \(line.taxRate.normalizedDescription)% differs from the \(rate.normalizedDescription)% of \(taxCode) (\(tax.displayName(configuration.taxCodeFields))); the package will compute its own tax"
                    )
                }
                lines.append(
                    MappedLine(
                        line: line, description: description, account: account, tracking: rule?.tracking ?? [],
                        taxCode: taxCode, tax: tax))
            }
        }
        guard !run.heldBack else { return (nil, run.findings) }
        return (
            MappedDocument(
                document: document, location: location, contact: contact, lines: lines, bankAccount: bankAccount),
            run.findings
        )
    }

    /// The rule for a channel: one naming the subsource wins over one naming only the source.
    package func rule(for channel: SalesChannel) -> ChannelRule? {
        guard let source = channel.source else { return nil }
        let rules = configuration.channels.rules.filter { $0.source.caseInsensitiveEquals(source) }
        if let subsource = channel.subsource,
            let exact = rules.first(where: { $0.subsource?.caseInsensitiveEquals(subsource) == true })
        {
            return exact
        }
        return rules.first { $0.subsource == nil }
    }

    private func salesAccount(kind: DocumentKind, rule: ChannelRule?) -> String {
        let channels = configuration.channels
        if channels.enabled { return rule?.salesAccount ?? defaultSalesAccount }
        return kind == .credit
            ? (channels.defaultCreditNoteAccount ?? defaultSalesAccount) : defaultSalesAccount
    }
}

/// The findings of mapping one document.
private struct MappingRun {
    let document: Document
    let location: SourceLocation
    let policy: TextCellPolicy
    let breaking: Set<Unicode.Scalar>
    /// Whether a printable ASCII character breaks this target's files (none does in any package so far).
    private let breaksPrintableASCII: Bool
    var findings: [Finding] = []
    var heldBack = false

    init(document: Document, location: SourceLocation, policy: TextCellPolicy, breaking: Set<Unicode.Scalar>) {
        self.document = document
        self.location = location
        self.policy = policy
        self.breaking = breaking
        self.breaksPrintableASCII = breaking.contains { (0x20..<0x7F).contains($0.value) }
    }

    mutating func error(_ message: String, field: String? = nil) {
        heldBack = true
        findings.append(
            Finding(
                .error, at: location, field: field, document: document.number,
                "\(message) — document \(document.number) held back"))
    }

    mutating func warning(_ message: String, field: String? = nil) {
        findings.append(
            Finding(
                .warning, at: location, field: field, document: document.number,
                "\(message) (document \(document.number))"))
    }

    /// `text` made safe for the target: characters no file format can carry are
    /// refused; characters that would break this target's files become spaces;
    /// formula-like text follows the policy. Every change is reported.
    mutating func text(_ original: String, field: String, line: Int? = nil) -> String {
        // Most text is printable ASCII: no character to refuse or replace, so only the formula policy is asked.
        if !breaksPrintableASCII && Self.isPrintableASCII(original) {
            return policed(original, field: field, line: line)
        }
        let place = line.map { "line \($0): \(field)" } ?? field
        if let bad = original.unicodeScalars.first(where: {
            ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || $0.value == 0xFFFE || $0.value == 0xFFFF
        }) {
            error(
                "\(place) holds the control character U+\(String(bad.value, radix: 16, uppercase: true)), which no import file can carry",
                field: field)
            return original
        }
        var text = original
        if !breaking.isEmpty, text.unicodeScalars.contains(where: breaking.contains) {
            text = String(String.UnicodeScalarView(text.unicodeScalars.map { breaking.contains($0) ? " " : $0 }))
            warning(
                "\(place) holds a tab or line break, which this file format uses between fields and records; written with spaces instead",
                field: field)
        }
        return policed(text, field: field, line: line)
    }

    /// `text` as the formula policy has it.
    private mutating func policed(_ text: String, field: String, line: Int?) -> String {
        var place: String { line.map { "line \($0): \(field)" } ?? field }
        switch policy.apply(text) {
        case .unchanged(let same):
            return same
        case .changed(let safe):
            warning(
                "\(place) '\(text)' starts like a spreadsheet formula; written as '\(safe)' (text_cells: \(policy.rawValue))",
                field: field)
            return safe
        case .refused:
            error("\(place) '\(text)' starts like a spreadsheet formula and text_cells is refuse", field: field)
            return text
        }
    }

    /// Whether every byte of `text` is a printable ASCII character (space to `~`).
    private static func isPrintableASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
    }
}
