/// A study date in a `case.json`: `YYYY-MM-DD`, a real calendar day. Kept as the text
/// itself (it goes into prompts and panes as written, and ISO dates compare as strings),
/// never converted through a time zone that could move it by a day.
enum CaseDate {
    /// The problem with `text` as a date, nil when it is one.
    static func problem(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            return "expected a date written YYYY-MM-DD"
        }
        guard year >= 1900, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else {
            return "no such date"
        }
        return nil
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
