/// Checks for the text fields of a `case.json` (the one-line cleaning of quoted text is `OneLine`).
///
/// Case text ends up in a terminal pane and in the model's prompt: a control character
/// (an escape sequence) could drive the terminal, and an unbounded string could flood the
/// pane or the context, so both are refused when the case is read.
enum CaseText {
    /// Identifiers, names and one-line labels.
    static let shortLimit = 200
    /// History, indication, question, descriptions, reports.
    static let longLimit = 8000

    /// The problem with `text`, or nil when it is acceptable. `multiline` allows newline
    /// and tab (paragraphs in a history or report); short fields allow neither.
    static func problem(_ text: String, limit: Int, multiline: Bool, allowBlank: Bool = false) -> String? {
        if !allowBlank, text.allSatisfy(\.isWhitespace) { return "must not be blank" }
        if text.count > limit { return "longer than \(limit) characters" }
        for scalar in text.unicodeScalars where scalar.properties.generalCategory == .control {
            if multiline, scalar == "\n" || scalar == "\t" || scalar == "\r" { continue }
            return "contains a control character"
        }
        return nil
    }
}
