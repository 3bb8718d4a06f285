import KCCModel
import PackageInterface

/// What every QuickBooks file shares: two-decimal amounts, shortened
/// reference numbers, the memo that keeps the full KCC number, quantities and
/// rates QuickBooks multiplies back to KCC's line amount, and the checks that
/// hold back what QuickBooks cannot take.
package enum QuickBooksRules {
    /// The income account a new QuickBooks company (Desktop and Online, UK) has for sales.
    package static let defaultIncomeAccount = "Sales"
    /// The longest Desktop `RefNumber` (and IIF `DOCNUM`) of an invoice, credit memo, cheque or card refund.
    package static let desktopRefNumberLimit = 11
    /// The longest Desktop `RefNumber` of a received payment.
    package static let desktopPaymentRefNumberLimit = 20
    /// The longest QuickBooks Online `DocNumber` / `PaymentRefNum`.
    package static let onlineDocNumberLimit = 21
    /// The most decimals qbXML's QUANTYPE and PRICETYPE carry.
    package static let maxRateDecimals = 5

    // MARK: Text

    /// `12.50`: every QuickBooks amount has exactly two decimals (currencies with
    /// fewer are padded exactly; those with more are held back by ``currencyRefusal(_:)``).
    package static func amount(_ money: Money) -> String {
        amount(minorUnits: money.minorUnits, currency: money.currency)
    }

    package static func amount(minorUnits: Int64, currency: Currency) -> String {
        precondition(currency.minorUnitDigits <= 2, "\(currency) reached a QuickBooks writer")
        return ExactDecimal(units: minorUnits, scale: currency.minorUnitDigits).rescaled(to: 2).description
    }

    /// The KCC number with the first configured prefix taken off (`INV-100870` → `100870`), the same for every document.
    package static func shortNumber(_ number: String, _ settings: QuickBooksSettings) -> String {
        guard let prefix = settings.stripPrefixes.first(where: { number.hasPrefix($0) && number.count > $0.count })
        else { return number }
        return String(number.dropFirst(prefix.count))
    }

    /// Desktop's limit for this kind of document.
    package static func desktopLimit(_ kind: DocumentKind) -> Int {
        kind == .payment ? desktopPaymentRefNumberLimit : desktopRefNumberLimit
    }

    /// `KCC INV-100870, order SO-51870`: the full number, always, in the memo.
    package static func memo(_ document: Document) -> String {
        let head = "KCC \(document.number), order \(document.orderNumber)"
        switch document {
        case .sales(let sales) where sales.kind == .credit:
            return head
                + (sales.relatedInvoice.map { ", credits \($0)" } ?? ", cancelled before invoicing (no invoice)")
        case .sales:
            return head
        case .payment(let payment):
            return head + (payment.relatedInvoice.map { ", prepayment for \($0)" } ?? ", payment on account")
        }
    }

    /// The QuickBooks class: the first tracking option of the channel rule (Xero's tracking, QuickBooks' classes).
    package static func className(_ mapped: MappedDocument) -> String? {
        mapped.lines.first?.tracking.first?.option
    }

    /// The account a payment is deposited to: its method's bank under `payments.accounts`, else Undeposited Funds.
    package static func depositAccount(_ payment: Payment, _ configuration: QuickBooksConfiguration) -> String {
        configuration.payments.listedAccount(for: payment.paymentMethod) ?? configuration.quickbooks.undepositedFunds
    }

    /// A line's VAT is taxable in QuickBooks' sense when it carries tax or a non-zero rate.
    package static func isTaxable(_ line: MappedLine) -> Bool {
        !line.line.tax.isZero || !(line.tax.rate ?? line.line.taxRate).isZero
    }

    // MARK: Quantity and rate

    /// How a line is priced in QuickBooks, which computes quantity × rate itself.
    package struct Pricing: Equatable {
        package var quantity: ExactDecimal
        package var rate: String
        package var description: String
    }

    /// KCC's quantity and unit price when QuickBooks gets KCC's net from them
    /// (no discount); with a discount, the discounted rate net ÷ quantity when
    /// it is exact in five decimals; otherwise quantity 1 at the net amount, the
    /// original figures added to the description. The line amount is always KCC's net.
    package static func pricing(_ mapped: MappedLine) -> Pricing {
        let line = mapped.line
        let currency = line.net.currency
        if line.quantity.scale <= maxRateDecimals, !line.quantity.isZero {
            if line.discountPercent?.isZero ?? true {
                return Pricing(quantity: line.quantity, rate: amount(line.unitPrice), description: mapped.description)
            }
            // rate·10^5 = net·10^(5−digits)·10^qscale / quantity.units, exact or not at all
            let numerator =
                Int128(line.net.minorUnits) * ExactDecimal.power10(maxRateDecimals - currency.minorUnitDigits)
                * ExactDecimal.power10(line.quantity.scale)
            let denominator = Int128(line.quantity.units)
            if numerator % denominator == 0 {
                return Pricing(
                    quantity: line.quantity, rate: rateText(units: Int64(numerator / denominator)),
                    description: mapped.description)
            }
        }
        var original = "\(line.quantity.normalizedDescription) × \(amount(line.unitPrice))"
        if let discount = line.discountPercent, !discount.isZero {
            original += " less \(discount.normalizedDescription)%"
        }
        return Pricing(
            quantity: ExactDecimal(1), rate: amount(line.net), description: "\(mapped.description) (\(original))")
    }

    /// A rate held with five decimals, written with at least two and no trailing zeros beyond them: `166.2425`, `29.69`.
    private static func rateText(units: Int64) -> String {
        var decimal = ExactDecimal(units: units, scale: maxRateDecimals)
        while decimal.scale > 2, decimal.units % 10 == 0 {
            decimal = ExactDecimal(units: decimal.units / 10, scale: decimal.scale - 1)
        }
        return decimal.description
    }

    // MARK: What QuickBooks cannot take

    /// QuickBooks amounts carry two decimals: a currency with three (BHD, KWD …) cannot be written exactly.
    package static func currencyRefusal(_ document: Document) -> String? {
        let currency = document.currency
        guard currency.minorUnitDigits > 2 else { return nil }
        return
            "Currency \(currency.code) has \(currency.minorUnitDigits) decimal places and QuickBooks amounts carry two, so its amounts cannot be written exactly"
    }

    /// The Desktop number (RefNumber, DOCNUM) if it fits after the configured shortening.
    package static func desktopNumberRefusal(_ document: Document, _ settings: QuickBooksSettings) -> String? {
        let short = shortNumber(document.number, settings)
        let limit = desktopLimit(document.kind)
        guard short.count > limit else { return nil }
        let rule =
            settings.stripPrefixes.isEmpty
            ? "no prefixes are configured under quickbooks.strip_prefixes"
            : "after quickbooks.strip_prefixes it is '\(short)', \(short.count) characters"
        return
            "\(document.number) is longer than the \(limit) characters QuickBooks Desktop keeps as a \(document.kind.noun)'s number (\(rule))"
    }

    /// The Online DocNumber if it fits.
    package static func onlineNumberRefusal(_ document: Document) -> String? {
        guard document.number.count > onlineDocNumberLimit else { return nil }
        return
            "\(document.number) is longer than the \(onlineDocNumberLimit) characters QuickBooks Online keeps as a document number"
    }

    /// What neither Desktop file can take: a three-decimal currency, a number too long after shortening.
    package static func desktopRefusals(_ mapped: MappedDocument, _ settings: QuickBooksSettings) -> [String] {
        [currencyRefusal(mapped.document), desktopNumberRefusal(mapped.document, settings)].compactMap { $0 }
    }

    /// What neither Online file can take: a three-decimal currency, a number over 21 characters, a tax code without `qbo`.
    package static func onlineRefusals(_ mapped: MappedDocument) -> [String] {
        [currencyRefusal(mapped.document), onlineNumberRefusal(mapped.document)].compactMap { $0 }
            + taxCodeRefusals(mapped, onlineTaxCode)
    }

    /// QuickBooks Desktop's sales tax (VAT) code, at most 3 characters (`S`), for qbXML.
    package static let desktopTaxCode = TaxCodeField(
        key: "qbd", maxLength: 3, meaning: "the QuickBooks Desktop sales tax code, e.g. S",
        noun: "a QuickBooks Desktop sales tax code")
    /// QuickBooks Online's tax code (`20.0% S`, or its Id), for the QBO CSV and XML.
    package static let onlineTaxCode = TaxCodeField(
        key: "qbo", meaning: "the QuickBooks Online tax code, e.g. 20.0% S, or its Id")

    /// Lines whose KCC tax code has no value of `field`.
    package static func taxCodeRefusals(_ mapped: MappedDocument, _ field: TaxCodeField) -> [String] {
        var seen: Set<String> = []
        return mapped.lines.compactMap { line in
            guard line.tax[field] == nil, seen.insert(line.taxCode).inserted else { return nil }
            return
                "line \(line.line.lineNumber): TaxCode \(line.taxCode) has no \(field.key) under tax_codes (\(field.meaning))"
        }
    }
}
