import KCCModel
import PackageInterface

/// The channel exports read without configuration. Each is detected by the
/// headers only it has; the columns are the ones the channel writes. Where a
/// channel's export gives an order's refunded total rather than each refund
/// (Shopify's orders export, Stripe's payments export), the refund id is the
/// order's or the charge's, and a later export with more refunded shows as a
/// conflict for a person rather than a second refund.
extension CSVProfile {
    package static let builtIn: [CSVProfile] = [
        linnworks, linnworksOrderRefunds, shopifyOrders, shopifyPayments, stripePayments, stripeBalance,
        stripeBalanceHistory, paypalActivity, amazonSettlement,
    ]

    /// Shopify Payments' transactions export (Payouts → Transactions → Export):
    /// one row per balance transaction, refunds by their `Type`, as negative
    /// amounts. The export has no transaction id: a refund is known by its
    /// order and the moment it was made.
    static let shopifyPayments: CSVProfile = {
        var profile = CSVProfile(
            name: "shopify-payments", source: "shopify",
            summary:
                "Shopify Payments transactions export (Transaction Date, Type, Order, Payout Status, Amount): rows whose Type is refund, known by order and time",
            signature: ["Transaction Date", "Type", "Order", "Payout Status", "Amount"],
            hints: ["Payout Status", "Payout ID", "Card Source", "Presentment Amount"],
            columns: [
                .id: ["Order"], .orderNumber: ["Order"], .amount: ["Amount"], .currency: ["Currency"],
                .date: ["Transaction Date"], .reference: ["Checkout", "Payout ID"], .method: ["Card Brand"],
            ],
            rules: [
                .oneOf(column: "Type", values: ["refund"], kind: "Shopify Payments transactions that are not refunds")
            ],
            negativeRefunds: true)
        profile.idFrom = ["Order", "Transaction Date"]
        return profile
    }()

    /// Stripe's older balance history export (Balance → Export): one row per
    /// balance transaction (`txn_…`), refunds by their `Type`, as negative
    /// amounts. Its ids are the balance transactions', not the refunds'.
    static let stripeBalanceHistory = CSVProfile(
        name: "stripe-balance-history", source: "stripe",
        summary:
            "Stripe balance history export (id, Type, Source, Amount, Net, Available On (UTC)): rows whose Type is refund or payment_refund",
        signature: ["id", "Type", "Source", "Amount", "Net", "Available On (UTC)"],
        hints: ["Available On (UTC)", "Transfer Date (UTC)", "Customer Facing Amount"],
        columns: [
            .id: ["id"], .amount: ["Amount"], .currency: ["Currency"], .date: ["Created (UTC)"],
            .reference: ["Description", "Source"],
        ],
        rules: [
            .oneOf(
                column: "Type", values: ["refund", "payment_refund"],
                kind: "Stripe balance history that is not a refund")
        ],
        negativeRefunds: true)

    /// Stripe's Balance report, itemized ("Balance change from activity"): one
    /// row per balance transaction, refunds by their reporting category, as
    /// negative amounts. Use it or the payments export, not both: their ids differ.
    static let stripeBalance = CSVProfile(
        name: "stripe-balance", source: "stripe",
        summary:
            "Stripe Balance report, itemized (balance_transaction_id, reporting_category, gross): rows whose reporting_category is refund",
        signature: ["balance_transaction_id", "reporting_category", "gross"],
        hints: ["balance_transaction_id", "reporting_category"],
        columns: [
            .id: ["source_id", "balance_transaction_id"], .amount: ["gross"], .currency: ["currency"],
            .date: ["created_utc", "created"], .reference: ["description"],
            .customer: ["customer_email", "customer_name", "customer_description"],
        ],
        rules: [
            .oneOf(
                column: "reporting_category", values: ["refund"], kind: "Stripe balance activity that is not a refund")
        ],
        negativeRefunds: true)

    /// Amazon's settlement report (flat file V2, tab-separated): a refund is the
    /// rows of one adjustment, its item price and promotion summed; Amazon's
    /// fees and other amounts are between Amazon and the seller, not money to
    /// the customer. The currency is on the settlement's summary row.
    static let amazonSettlement: CSVProfile = {
        var profile = CSVProfile(
            name: "amazon-settlement", source: "amazon",
            summary:
                "Amazon settlement report, flat file V2 (settlement-id, transaction-type, adjustment-id, amount-type, amount): Refund rows of ItemPrice and Promotion, summed per adjustment",
            signature: ["settlement-id", "transaction-type", "amount-type", "amount"],
            hints: ["settlement-id", "adjustment-id", "amount-description"],
            columns: [
                .id: ["adjustment-id"], .orderNumber: ["merchant-order-id", "order-id"], .amount: ["amount"],
                .currency: ["currency"], .date: ["posted-date", "posted-date-time"], .reference: ["order-id"],
            ],
            rules: [
                .oneOf(
                    column: "transaction-type", values: ["refund"], kind: "Amazon settlement rows that are not refunds"),
                .oneOf(
                    column: "amount-type", values: ["itemprice", "promotion"],
                    kind: "Amazon fees and other amounts on refunds (between Amazon and you, not the customer)"),
            ],
            negativeRefunds: true)
        profile.groupBy = ["order-id", "adjustment-id"]
        profile.stickyCurrency = true
        return profile
    }()

    /// Linnworks' returns and refunds export (`pkRefundRowId`, `RefundStatus` …).
    static let linnworks = CSVProfile(
        name: "linnworks", source: "linnworks",
        summary: "Linnworks returns/refunds export (pkRefundRowId, Amount; RefundStatus PROCESSED when present)",
        signature: ["pkRefundRowId", "Amount"], hints: ["pkRefundRowId", "nOrderId", "cCurrency", "RefundStatus"],
        columns: [
            .id: ["pkRefundRowId"], .orderNumber: ["NumOrderId", "nOrderId", "ReferenceNum"], .amount: ["Amount"],
            .currency: ["cCurrency", "Currency"], .date: ["CreateDate", "RefundDate", "Date", "ActionDate"],
            .reference: ["RefundReference", "ExternalReference", "SecondaryReference"],
            .customer: ["cFullName", "ChannelBuyerName"],
        ],
        rules: [.oneOf(column: "RefundStatus", values: ["processed"], kind: "Linnworks refunds not processed")])

    /// Linnworks' order refunds (`RefundHeaderId`, `Status`, `Actioned` …).
    static let linnworksOrderRefunds = CSVProfile(
        name: "linnworks-order-refunds", source: "linnworks",
        summary: "Linnworks order refunds (RefundHeaderId, NumOrderId, Amount, Status PROCESSED)",
        signature: ["RefundHeaderId", "Amount"], hints: ["RefundHeaderId", "ChannelInitiated", "LastActionDate"],
        columns: [
            .id: ["RefundHeaderId"], .orderNumber: ["NumOrderId", "ExternalReference"], .amount: ["Amount"],
            .currency: ["Currency"], .date: ["CreatedDate", "LastActionDate"], .reference: ["ExternalReference"],
            .method: ["OrderSubSource", "OrderSource"],
        ],
        rules: [.oneOf(column: "Status", values: ["processed"], kind: "Linnworks refunds not processed")])

    /// Shopify's orders export: one row per line item, the order's refunded total on its first row.
    static let shopifyOrders = CSVProfile(
        name: "shopify-orders", source: "shopify",
        summary:
            "Shopify orders export (Name, Financial Status, Refunded Amount): orders with money refunded, dated as the order",
        signature: ["Name", "Financial Status", "Refunded Amount"],
        hints: ["Financial Status", "Lineitem name", "Lineitem quantity", "Refunded Amount"],
        columns: [
            .id: ["Name"], .orderNumber: ["Name"], .amount: ["Refunded Amount"], .currency: ["Currency"],
            .date: ["Created at", "Paid at"], .reference: ["Payment Reference", "Notes"],
            .customer: ["Billing Name"], .method: ["Payment Method"],
        ],
        rules: [
            .present(column: "Financial Status", kind: "line-item rows of the order above"),
            .nonZeroAmount(kind: "orders with nothing refunded"),
        ])

    /// Stripe's payments export: one row per charge, with what of it was refunded.
    static let stripePayments = CSVProfile(
        name: "stripe-payments", source: "stripe",
        summary: "Stripe payments export (id, Amount Refunded, Created (UTC)): charges with money refunded",
        signature: ["id", "Amount Refunded"],
        hints: [
            "Amount Refunded", "Created (UTC)", "Created date (UTC)", "Seller Message", "Converted Amount",
            "PaymentIntent ID",
            "Card Last4", "Statement Descriptor",
        ],
        columns: [
            .id: ["id"], .amount: ["Amount Refunded"], .currency: ["Currency"],
            .date: ["Refunded date (UTC)", "Refunded Date", "Created (UTC)", "Created date (UTC)"],
            .reference: ["Description", "Invoice ID"],
            .customer: ["Customer Email", "Customer Description"], .method: ["Card Brand"],
        ],
        rules: [.nonZeroAmount(kind: "charges with nothing refunded")])

    /// PayPal's activity download: every kind of activity, refunds by their type, as negative amounts.
    static let paypalActivity = CSVProfile(
        name: "paypal-activity", source: "paypal",
        summary: "PayPal activity download (Date, Time, Type, Gross, Transaction ID): rows whose Type is a refund",
        signature: ["Transaction ID", "Gross", "Type", "Time zone"],
        hints: ["Time zone", "Balance Impact", "Reference Txn ID", "Counterparty Status"],
        columns: [
            .id: ["Transaction ID"], .amount: ["Gross"], .currency: ["Currency"], .date: ["Date"],
            .reference: ["Invoice Number", "Subject", "Item Title", "Reference Txn ID"], .customer: ["Name"],
            .orderNumber: ["Invoice Number"],
        ],
        rules: [
            .contains(column: "Type", word: "refund", kind: "PayPal activity that is not a refund"),
            .lacks(column: "Type", word: "cancel", kind: "PayPal activity that is not a refund"),
            .oneOf(column: "Status", values: ["completed"], kind: "PayPal refunds not completed"),
        ],
        negativeRefunds: true)

    /// Any CSV with a refund id and an amount, columns found by their usual
    /// names and `refunds.columns`: every row is a refund.
    static func generic(_ settings: RefundSettings) -> CSVProfile {
        var columns: [RefundField: [String]] = [:]
        for field in RefundField.allCases { columns[field] = (settings.columns[field] ?? []) + field.builtInNames }
        var profile = CSVProfile(
            name: RefundFile.csvFormat, source: settings.csvSource,
            summary: "any CSV with a refund id and an amount, columns by their usual names and refunds.columns",
            signature: [], columns: columns, negativeRefunds: settings.negativeAmountsAreRefunds)
        profile.dateFormat = settings.csvDateFormat
        return profile
    }
}
