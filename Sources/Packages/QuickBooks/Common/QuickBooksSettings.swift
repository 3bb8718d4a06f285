import CSVStreaming
import KCCModel
import PackageInterface

/// Choices that only the QuickBooks files have (`quickbooks:` in the configuration).
///
/// Account and item values are written as given: QuickBooks Desktop and the
/// IIF import take names (or numbers, where the company uses account
/// numbers); QuickBooks Online's API takes Ids, or names for a loader that
/// looks them up.
package struct QuickBooksSettings: ConfigurationSection {
    package static let key = "quickbooks"

    /// Dates in the text imports: IIF and the QBO CSV (qbXML and the QBO API always take `YYYY-MM-DD`).
    package var dateFormat: CalendarDate.Format = .dayMonthYear
    /// The IIF file's text encoding: UTF-8 (default) or Windows-1252, which
    /// older and UK editions of QuickBooks Desktop read (£, é …).
    package var iifEncoding: TextEncoding = .utf8
    package var accountsReceivable = "Accounts Receivable"
    /// Where a payment whose method has no entry under `payments.accounts` is deposited.
    package var undepositedFunds = "Undeposited Funds"
    /// The IIF split that carries a document's VAT (US editions: `Sales Tax Payable`).
    package var vatLiability = "VAT Liability"
    /// The item (product/service) every line is posted with; the line's own sales account overrides its income account where the format allows.
    package var item = "KCC Sales"
    /// Taken off the front of KCC numbers for Desktop's RefNumber and IIF's DOCNUM (11 characters; 20 for payments).
    package var stripPrefixes: [String] = []
    /// qbXML's `onError`: what QuickBooks does with the rest of a request set when one request fails.
    package var onError: OnError = .stopOnError
    /// QuickBooks Online: a credit note becomes a `CreditMemo` or a `RefundReceipt`.
    package var onlineRefunds: OnlineRefunds = .creditMemo
    /// QuickBooks Desktop: how a credit memo is refunded, used by the refund requests.
    package var desktopRefunds: DesktopRefunds = .creditCard
    /// The account refunds are paid from; `nil`: ``undepositedFunds``.
    package var refundAccount: String?
    /// QuickBooks Online: saved query responses (Customer, Item, Account,
    /// TaxCode, PaymentMethod, Invoice, CreditMemo lists) whose Ids the
    /// QBO XML files carry in place of names; also `--qbo-lists`.
    package var onlineLists: [String] = []
    /// QuickBooks Online: write the customers missing from a given Customer
    /// list as `Customer` creates (`--qbo-create-customers`, `online_create_customers`).
    package var onlineCreateCustomers = false

    package init() {}

    package mutating func read(_ node: ConfigNode, _ reader: SectionReader) {
        let allowed: Set<String> = [
            "date_format", "iif_encoding", "accounts_receivable", "undeposited_funds", "vat_liability", "item",
            "strip_prefixes", "on_error",
            "online_refunds", "desktop_refunds", "refund_account", "online_lists", "online_create_customers",
        ]
        for pair in reader.pairs(node, Self.key, allowed: allowed) {
            let full = "\(Self.key).\(pair.key)"
            let value = pair.value
            switch pair.key {
            case "iif_encoding":
                if let encoding = reader.choice(value, full, TextEncoding.self) { iifEncoding = encoding }
            case "date_format":
                if let format = reader.choice(value, full, CalendarDate.Format.self) { dateFormat = format }
            case "accounts_receivable": if let text = reader.string(value, full) { accountsReceivable = text }
            case "undeposited_funds": if let text = reader.string(value, full) { undepositedFunds = text }
            case "vat_liability": if let text = reader.string(value, full) { vatLiability = text }
            case "item": if let text = reader.string(value, full) { item = text }
            case "refund_account": refundAccount = reader.string(value, full)
            case "strip_prefixes":
                guard let sequence = value.sequence else {
                    reader.problem(value, full, "must be a list of prefixes, e.g. [INV-, CRN-, PAY-]")
                    continue
                }
                stripPrefixes = sequence.enumerated().compactMap { index, item in
                    reader.string(item, "\(full)[\(index + 1)]")
                }
            case "online_lists":
                let items = value.sequence ?? [value]
                onlineLists = items.enumerated().compactMap { index, item in
                    reader.string(item, value.sequence == nil ? full : "\(full)[\(index + 1)]").map(reader.path)
                }
            case "online_create_customers":
                if let flag = reader.bool(value, full) { onlineCreateCustomers = flag }
            case "on_error": if let choice = reader.choice(value, full, OnError.self) { onError = choice }
            case "online_refunds":
                if let choice = reader.choice(value, full, OnlineRefunds.self) { onlineRefunds = choice }
            case "desktop_refunds":
                if let choice = reader.choice(value, full, DesktopRefunds.self) { desktopRefunds = choice }
            default: break
            }
        }
    }

    /// The account refunds leave: the configured one, else Undeposited Funds.
    package var refundFromAccount: String { refundAccount ?? undepositedFunds }

    /// qbXML's `QBXMLMsgsRq onError` values.
    package enum OnError: String, Sendable, Hashable, CaseIterable {
        case stopOnError, continueOnError, rollbackOnError
    }

    /// How QuickBooks Online receives a credit note.
    package enum OnlineRefunds: String, Sendable, Hashable, CaseIterable {
        /// A `CreditMemo`: the customer's balance goes down; the money is refunded in QuickBooks.
        case creditMemo = "credit_memo"
        /// A `RefundReceipt`: the refund itself, money out of ``QuickBooksSettings/refundFromAccount``.
        case refundReceipt = "refund_receipt"
        /// Connex's "credit memos for invoices only": a `CreditMemo` for a credit
        /// note that credits an invoice, a `RefundReceipt` for one that credits
        /// an order never invoiced (a cancelled order).
        case creditMemoForInvoices = "credit_memo_for_invoices"

        /// Whether a credit note goes as a refund receipt in this mode.
        package func isRefundReceipt(relatedInvoice: String?) -> Bool {
            switch self {
            case .creditMemo: false
            case .refundReceipt: true
            case .creditMemoForInvoices: relatedInvoice == nil
            }
        }
    }

    /// How QuickBooks Desktop pays a credit memo back.
    package enum DesktopRefunds: String, Sendable, Hashable, CaseIterable {
        /// `ARRefundCreditCardAdd` (IIF `CCARD REFUND`).
        case creditCard = "credit_card"
        /// `CheckAdd` (IIF `CHECK`).
        case cheque
    }
}

extension BridgeConfiguration {
    /// The `quickbooks:` section, shared by QuickBooks Desktop and QuickBooks Online.
    package var quickbooks: QuickBooksSettings {
        get { self[QuickBooksSettings.self] }
        set { self[QuickBooksSettings.self] = newValue }
    }
}
