import KCCModel
import PackageInterface
import QuickBooksCommon

/// Refunds made outside QuickBooks Desktop, as IIF transactions: a `CHECK`
/// from the bank account refunds are paid from (`quickbooks.refund_account`),
/// its split on Accounts Receivable naming the customer, as QuickBooks itself
/// posts a refund of a credit memo by cheque. TRNS takes the money out of the
/// bank; SPL puts it back on Accounts Receivable, so it sums to zero.
///
/// IIF has no transaction for a card refund to a customer: its `CCARD REFUND`
/// is a refund the business receives on its own credit card, and `CASH
/// REFUND` a refund receipt with items. A card refund (`desktop_refunds:
/// credit_card`) is therefore posted the nearest correct way, as a cheque from
/// the account the card refunds leave, its memo saying it was by card
/// (docs/quickbooks-desktop-refunds.md); qbXML's `ARRefundCreditCardAdd` is
/// the exact form. A cheque must come from a bank account, never Undeposited
/// Funds: without `refund_account`, nothing is written.
package struct IIFRefunds: RefundWriter {
    package let target = "qbd-iif"
    package let fileSuffix = "qbd-refunds.iif"
    package let settings: QuickBooksSettings

    package init(settings: QuickBooksSettings) {
        self.settings = settings
    }

    package func refusal(_ refund: RefundPayment) -> String? {
        guard settings.refundAccount == nil else { return nil }
        return
            "an IIF refund is a cheque, which QuickBooks Desktop pays from a bank account: set quickbooks.refund_account to the bank account refunds are paid from (it is Undeposited Funds otherwise, which a cheque cannot come from)"
    }

    package func contents(_ refunds: [RefundPayment]) throws -> [UInt8] {
        let type = "CHECK"
        let byCard = settings.desktopRefunds == .creditCard
        var bytes: [UInt8] = []
        for header in [IIFFormat.trnsHeader, IIFFormat.splHeader, ["!ENDTRNS"]] {
            IIFWriter.append(header, to: &bytes, encoding: settings.iifEncoding)
        }
        for refund in refunds {
            let memo = Self.clean(
                "Refund \(refund.refundID) of KCC \(refund.creditNote)"
                    + (refund.orderNumber.map { " (order \($0))" } ?? "") + (byCard ? ", by card" : ""))
            let transaction = IIFTransaction(
                type: type, currency: refund.amount.currency, date: refund.date, name: Self.clean(refund.customerName),
                docNumber: "", memo: memo, account: settings.refundFromAccount,
                splits: [
                    IIFTransaction.Row(
                        account: settings.accountsReceivable, minorUnits: refund.amount.minorUnits, memo: memo)
                ])
            precondition(transaction.total == 0 && transaction.amount == -refund.amount.minorUnits)
            let date = refund.date.formatted(settings.dateFormat)
            func amount(_ minor: Int64) -> String {
                QuickBooksRules.amount(minorUnits: minor, currency: refund.amount.currency)
            }
            IIFWriter.append(
                [
                    "TRNS", "", type, date, transaction.head.account, transaction.name, "", amount(transaction.amount),
                    "", memo, "N", "N",
                    "", "", "", "", "", "",
                ], to: &bytes, encoding: settings.iifEncoding)
            for split in transaction.splits {
                IIFWriter.append(
                    [
                        "SPL", "", type, date, split.account, transaction.name, "", amount(split.minorUnits), "",
                        split.memo, "N",
                        "", "", "", "",
                    ], to: &bytes, encoding: settings.iifEncoding)
            }
            IIFWriter.append(["ENDTRNS"], to: &bytes, encoding: settings.iifEncoding)
        }
        return bytes
    }

    /// Tabs and line breaks would split an IIF row; they become spaces.
    static func clean(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
