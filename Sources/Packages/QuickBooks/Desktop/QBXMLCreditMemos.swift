import KCCModel
import PackageInterface

/// QuickBooks Desktop's own ids of its credit memos, read from a
/// `CreditMemoQueryRs`: what a refund request (`ARRefundCreditCardAdd`,
/// `CheckAdd`) needs to name the credit memo it pays back.
package enum QBXMLCreditMemos {
    /// TxnID by credit memo: keyed by its `RefNumber` and, where its `Memo`
    /// names one (`KCC CRN-004608, …`), by the full KCC number too.
    package static func txnIDs(_ path: String, displayName: String? = nil) throws(FileRefusal) -> [String: String] {
        let name = displayName ?? path
        var ids: [String: String] = [:]
        try XMLRecords.scan(path, name, root: "QBXML", records: ["CreditMemoRet"]) { memo in
            guard let txnID = memo.value("TxnID") else { return }
            if let ref = memo.value("RefNumber") { ids[ref] = txnID }
            if let text = memo.value("Memo") {
                let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
                if let at = words.firstIndex(of: "KCC"), at + 1 < words.count { ids[words[at + 1]] = txnID }
            }
        }
        return ids
    }
}
