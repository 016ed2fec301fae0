/// A plain-ASCII table for the terminal: a header, a rule of dashes, rows; columns two
/// spaces apart, text left-aligned and numbers right-aligned, no trailing spaces (so a
/// summary pasted into a report or compared in a test is exactly what was shown).
struct TextTable {
    enum Alignment { case left, right }

    var columns: [(title: String, alignment: Alignment)]
    var rows: [[String]] = []

    init(_ columns: [(title: String, alignment: Alignment)]) { self.columns = columns }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table's lines, each starting with `indent`.
    func lines(indent: String = "  ") -> [String] {
        let widths = columns.indices.map { c in
            ([columns[c].title] + rows.map { $0[c] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.indices.map { c -> String in
                let gap = String(repeating: " ", count: widths[c] - cells[c].count)
                return columns[c].alignment == .left ? cells[c] + gap : gap + cells[c]
            }
            return Self.trailingSpacesRemoved(indent + padded.joined(separator: "  "))
        }
        return [line(columns.map(\.title)), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)
    }

    /// Label–value lines with the values in one column ("accuracy  62.5 %").
    static func pairs(_ pairs: [(String, String)], indent: String = "  ") -> [String] {
        let width = pairs.map(\.0.count).max() ?? 0
        return pairs.map { label, value in
            trailingSpacesRemoved(indent + label + String(repeating: " ", count: width - label.count) + "  " + value)
        }
    }

    static func trailingSpacesRemoved(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
