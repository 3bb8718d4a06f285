import CSVStreaming
import KCCModel
import PackageInterface
import QuickBooksCommon

/// QuickBooks Desktop's IIF import: one tab-separated file of `INVOICE`,
/// `CREDIT MEMO` and `PAYMENT` transactions, each a `TRNS` row, its `SPL`
/// rows and `ENDTRNS`, amounts summing to zero (debits positive).
package struct IIFFormat: ExportFormat {
    package let name = "qbd-iif"

    package static let transactions = OutputFamily(name: "qbd-transactions", fileExtension: "iif", unit: "row")

    package static let trnsHeader = [
        "!TRNS", "TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR", "TOPRINT",
        "ADDR1", "ADDR2", "ADDR3", "ADDR4", "ADDR5", "DUEDATE",
    ]
    package static let splHeader = [
        "!SPL", "SPLID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR", "QNTY",
        "PRICE", "INVITEM",
        "TAXABLE",
    ]

    /// The settings it writes with (`quickbooks:`, `payments:`, `text_cells:`).
    package let configuration: QuickBooksConfiguration

    package init(configuration: QuickBooksConfiguration) {
        self.configuration = configuration
    }

    /// People open IIF files in spreadsheets to check them, so formula-like text follows `text_cells`.
    package var textPolicy: TextCellPolicy { configuration.textCells }

    /// QuickBooks\'s standard income account, not a Xero account code.
    package var defaultSalesAccount: String { QuickBooksRules.defaultIncomeAccount }

    /// Tab separates fields and a line break ends a row: free text with either is written with spaces.
    package var breakingCharacters: Set<Unicode.Scalar> { ["\t", "\n", "\r"] }

    package func destination(of document: MappedDocument) -> Destination { .family(Self.transactions) }

    package func refusals(of document: MappedDocument) -> [String] {
        let numbers =
            [document.number, document.document.orderNumber] + [document.document.relatedInvoice].compactMap { $0 }
        let broken = numbers.filter { $0.unicodeScalars.contains(where: breakingCharacters.contains) }.map {
            "the number '\($0)' holds a tab or line break, which an IIF file cannot carry (a number is never changed)"
        }
        return QuickBooksRules.desktopRefusals(document, configuration.quickbooks) + broken
            + encodingRefusals(document, configuration)
    }

    /// Text the configured IIF encoding cannot carry holds the document back (never a silent `?`).
    private func encodingRefusals(_ document: MappedDocument, _ configuration: QuickBooksConfiguration) -> [String] {
        let encoding = configuration.quickbooks.iifEncoding
        guard encoding != .utf8 else { return [] }
        let transaction = Self.transaction(document, configuration)
        let texts =
            [transaction.name, transaction.memo, transaction.className] + transaction.address
            + ([transaction.head] + transaction.splits).flatMap { [$0.account, $0.memo, $0.className, $0.item] }
        return Set(texts.filter { encoding.encode($0) == nil }).sorted().map {
            "'\($0)' holds a character \(encoding.rawValue) cannot carry (quickbooks.iif_encoding)"
        }
    }

    package func makeWriter(for family: OutputFamily) -> any FamilyWriter {
        IIFWriter(configuration: configuration)
    }

    /// The transaction a document becomes.
    static func transaction(_ mapped: MappedDocument, _ configuration: QuickBooksConfiguration) -> IIFTransaction {
        let settings = configuration.quickbooks
        let document = mapped.document
        let docNumber = QuickBooksRules.shortNumber(document.number, settings)
        let memo = QuickBooksRules.memo(document)
        let name = mapped.contact.name
        switch document {
        case .payment(let payment):
            return IIFTransaction(
                type: "PAYMENT", currency: payment.currency, date: payment.date, name: name, docNumber: docNumber,
                memo: memo,
                account: QuickBooksRules.depositAccount(payment, configuration),
                splits: [
                    .init(account: settings.accountsReceivable, minorUnits: -payment.amount.minorUnits, memo: memo)
                ])
        case .sales(let sales):
            // An invoice credits income and VAT; a credit memo is its mirror image.
            let sign: Int64 = sales.kind == .invoice ? -1 : 1
            let className = QuickBooksRules.className(mapped) ?? ""
            var splits = mapped.lines.map { line in
                let pricing = QuickBooksRules.pricing(line)
                let quantity = ExactDecimal(units: sign * pricing.quantity.units, scale: pricing.quantity.scale)
                return IIFTransaction.Row(
                    account: line.account, minorUnits: sign * line.line.net.minorUnits, memo: pricing.description,
                    className: className,
                    quantity: quantity.normalizedDescription, price: pricing.rate, item: settings.item,
                    taxable: QuickBooksRules.isTaxable(line) ? "Y" : "N")
            }
            if !sales.totals.tax.isZero {
                splits.append(
                    .init(account: settings.vatLiability, minorUnits: sign * sales.totals.tax.minorUnits, memo: "VAT"))
            }
            let a = mapped.contact.address
            let place = [a.postcode, a.country].compactMap { $0 }.joined(separator: " ")
            let transaction = IIFTransaction(
                type: sales.kind == .invoice ? "INVOICE" : "CREDIT MEMO", currency: sales.currency, date: sales.date,
                name: name,
                docNumber: docNumber, memo: memo, className: className,
                address: [a.line1 ?? "", a.line2 ?? "", a.town ?? "", a.county ?? "", place], dueDate: sales.dueDate,
                account: settings.accountsReceivable, splits: splits)
            precondition(
                transaction.amount == -sign * sales.totals.gross.minorUnits,
                "\(document.number): the IIF transaction is not the document's gross")
            return transaction
        }
    }
}

/// Writes one IIF file: the three header rows, then one transaction per document.
final class IIFWriter: FamilyWriter {
    private let configuration: QuickBooksConfiguration
    let firstUnit = 4

    init(configuration: QuickBooksConfiguration) {
        self.configuration = configuration
    }

    func begin() throws -> [UInt8] {
        var bytes: [UInt8] = []
        for header in [IIFFormat.trnsHeader, IIFFormat.splHeader, ["!ENDTRNS"]] {
            Self.append(header, to: &bytes, encoding: encoding)
        }
        return bytes
    }

    private var encoding: TextEncoding { configuration.quickbooks.iifEncoding }

    func write(_ mapped: MappedDocument) throws -> (bytes: [UInt8], units: Int) {
        let transaction = IIFFormat.transaction(mapped, configuration)
        precondition(transaction.total == 0, "\(mapped.number): an IIF transaction that does not balance")
        let date = transaction.date.formatted(configuration.quickbooks.dateFormat)
        let due = transaction.dueDate?.formatted(configuration.quickbooks.dateFormat) ?? ""
        func amount(_ row: IIFTransaction.Row) -> String {
            QuickBooksRules.amount(minorUnits: row.minorUnits, currency: transaction.currency)
        }
        let head = transaction.head
        var bytes: [UInt8] = []
        Self.append(
            [
                "TRNS", "", transaction.type, date, head.account, transaction.name, head.className, amount(head),
                transaction.docNumber,
                head.memo, "N", "N",
            ] + transaction.address + Array(repeating: "", count: 5 - transaction.address.count) + [due],
            to: &bytes, encoding: encoding)
        for split in transaction.splits {
            Self.append(
                [
                    "SPL", "", transaction.type, date, split.account, transaction.name, split.className, amount(split),
                    transaction.docNumber, split.memo, "N", split.quantity, split.price, split.item, split.taxable,
                ], to: &bytes, encoding: encoding)
        }
        Self.append(["ENDTRNS"], to: &bytes, encoding: encoding)
        return (bytes, transaction.splits.count + 2)
    }

    func end() throws -> [UInt8] { [] }

    /// One row: fields joined by tabs, ended by CRLF. The mapper and the
    /// format's refusals keep tabs and line breaks out of every field.
    /// (Text the encoding cannot carry was refused before it got here; for
    /// refund rows, whose text comes from other systems, it becomes `?`.)
    static func append(_ fields: [String], to bytes: inout [UInt8], encoding: TextEncoding = .utf8) {
        for (index, field) in fields.enumerated() {
            precondition(
                !field.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D },
                "a tab or line break reached an IIF field: \(field)")
            if index > 0 { bytes.append(0x09) }
            if let encoded = encoding.encode(field) {
                bytes += encoded
            } else {
                bytes += field.unicodeScalars.flatMap { encoding.encode(String($0)) ?? [UInt8(ascii: "?")] }
            }
        }
        bytes += [0x0D, 0x0A]
    }
}
