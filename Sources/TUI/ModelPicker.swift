/// The `:model` overlay (no file given): the models on this machine (`ModelChoice`), filtered
/// as the user types, each with what it needs in memory; Enter loads the highlighted one
/// in the background like `:model FILE`.
public struct ModelPicker: Sendable {
    public var list: FilteredList<ModelChoice>

    public init(choices: [ModelChoice]) {
        list = FilteredList { query in
            let words = query.lowercased().split(separator: " ")
            return choices.filter { choice in
                let text = (choice.name + " " + choice.detail).lowercased()
                return words.allSatisfy { text.contains($0) }
            }
        }
    }

    /// One row: the name, then its detail.
    public static func row(_ choice: ModelChoice) -> String {
        TerminalSanitizer.singleLine.sanitize(choice.name) + "  ·  " + TerminalSanitizer.singleLine.sanitize(choice.detail)
    }
}
