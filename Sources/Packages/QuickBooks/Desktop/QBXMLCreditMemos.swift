import KCCModel
import PackageInterface
import XMLStreaming

/// QuickBooks Desktop's own ids of its credit memos, read from a
/// `CreditMemoQueryRs`: what a refund request (`ARRefundCreditCardAdd`,
/// `CheckAdd`) needs to name the credit memo it pays back.
package enum QBXMLCreditMemos {
    /// TxnID by credit memo: keyed by its `RefNumber` and, where its `Memo`
    /// names one (`KCC CRN-004608, …`), by the full KCC number too.
    package static func txnIDs(_ path: String, displayName: String? = nil) throws(FileRefusal) -> [String: String] {
        try read(path, displayName: displayName).creditNoteIDs
    }

    /// The TxnIDs, and each credit memo's `CreditRemaining` (what QuickBooks
    /// still has to refund or apply), by the same keys.
    package static func read(_ path: String, displayName: String? = nil) throws(FileRefusal) -> RefundWriterInputs {
        let name = displayName ?? path
        var memos = RefundWriterInputs()
        let inspect: (XMLElementStart) throws(FileRefusal) -> Void = { element throws(FileRefusal) in
            try QBXMLRefundReader.checkStatus(element, file: name)
        }
        try XMLRecords.scan(path, name, root: "QBXML", records: ["CreditMemoRet"], inspect: inspect) { memo in
            guard let txnID = memo.value("TxnID") else { return }
            var keys: [String] = []
            if let ref = memo.value("RefNumber") { keys.append(ref) }
            if let text = memo.value("Memo") {
                let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
                if let at = words.firstIndex(of: "KCC"), at + 1 < words.count { keys.append(words[at + 1]) }
            }
            let remaining = memo.value("CreditRemaining").flatMap { try? ExactDecimal(parsing: $0) }
            for key in keys {
                memos.creditNoteIDs[key] = txnID
                if let remaining { memos.remaining[key] = remaining }
            }
        }
        return memos
    }
}
