/// Rows of text in aligned columns, for a terminal: two spaces between
/// columns, no trailing spaces, control characters in cells shown as spaces
/// (a customer name with a line break must not break the table).
struct TextTable {
    enum Alignment {
        case left, right
    }

    struct Column {
        var title: String
        var alignment: Alignment = .left
    }

    var columns: [Column]
    private(set) var rows: [[String]] = []

    init(_ columns: [Column]) {
        self.columns = columns
    }

    mutating func append(_ cells: [String]) {
        precondition(cells.count == columns.count, "a row has \(cells.count) cells for \(columns.count) columns")
        rows.append(
            cells.map { cell in
                // Printable ASCII, as most cells are, is kept as it is; anything else is looked at character by
                // character (listing a ledger of 222,132 documents took less than half the time).
                if cell.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) { return cell }
                return String(
                    cell.map {
                        $0.isNewline || $0 == "\t"
                            || $0.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) ? " " : $0
                    })
            })
    }

    /// The header and every row, each line ending in a newline.
    var rendered: String {
        let all = [columns.map(\.title)] + rows
        let widths = columns.indices.map { index in all.map { $0[index].count }.max() ?? 0 }
        var text = ""
        for row in all {
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 { line += "  " }
                line += columns[index].alignment == .left ? cell + padding : padding + cell
            }
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}
