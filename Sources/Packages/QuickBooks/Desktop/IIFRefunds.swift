import KCCModel
import PackageInterface
import QuickBooksCommon

/// Refunds made outside QuickBooks Desktop, as IIF transactions: a
/// `CHECK` from the refund account, or a `CCARD REFUND` when refunds are by
/// card (`quickbooks.desktop_refunds`). TRNS takes the money out of the
/// account; SPL puts it back on Accounts Receivable, so it sums to zero.
/// QuickBooks then shows the credit memo and the refund for the same
/// customer, to be linked in *Receive Payments*/*Refunds & Credits*.
package struct IIFRefunds: RefundWriter {
    package let target = "qbd-iif"
    package let fileSuffix = "qbd-refunds.iif"
    package let settings: QuickBooksSettings

    package init(settings: QuickBooksSettings) {
        self.settings = settings
    }

    package func contents(_ refunds: [RefundPayment]) throws -> [UInt8] {
        let type = settings.desktopRefunds == .cheque ? "CHECK" : "CCARD REFUND"
        var bytes: [UInt8] = []
        for header in [IIFFormat.trnsHeader, IIFFormat.splHeader, ["!ENDTRNS"]] {
            IIFWriter.append(header, to: &bytes, encoding: settings.iifEncoding)
        }
        for refund in refunds {
            let memo = Self.clean(
                "Refund \(refund.refundID) of KCC \(refund.creditNote)"
                    + (refund.orderNumber.map { " (order \($0))" } ?? ""))
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
