import KCCModel

extension [Finding] {
    /// The findings in the order of their lines (stable for equal lines), so a
    /// clerk reads a document's problems top to bottom.
    func sortedByLine() -> [Finding] {
        enumerated().sorted { a, b in
            let la = a.element.location.line ?? 0
            let lb = b.element.location.line ?? 0
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }
}
