/// The Gemma 3 / MedGemma chat template (ENGINE.md §6), rendered without the leading
/// `<bos>` text: the tokenizer adds BOS once (two BOS tokens degrade the first tokens).
///
/// A system message is folded into the first user turn followed by a blank line; turns
/// must alternate user/model starting with the user; `assistant` is written `model`.
public enum ChatTemplate {
    public static let startOfTurn = "<start_of_turn>"
    public static let endOfTurn = "<end_of_turn>"

    public enum TemplateError: Error, CustomStringConvertible, Equatable {
        case notAlternating(index: Int)
        case systemNotFirst(index: Int)
        public var description: String {
            switch self {
            case .notAlternating(let i): return "chat turns must alternate user/model starting with the user (message \(i + 1))"
            case .systemNotFirst(let i): return "a system instruction may only be the first message (message \(i + 1))"
            }
        }
    }

    /// The text an image stands for in a turn (C5); the engine expands it (ENGINE.md §6).
    public static let startOfImage = "<start_of_image>"

    /// Renders the conversation; with `addGenerationPrompt` it ends with `<start_of_turn>model\n`.
    /// Each image of a turn is written as `imageMarker` after the turn's text, or before it
    /// when the message says so (`ChatMessage.imagePlacement`); an image with a label has
    /// the label's text item (trimmed, like any text item) just before it.
    public static func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true,
                              imageMarker: String = startOfImage) throws -> String {
        var prefix = ""
        var turns = messages[...]
        if let first = turns.first, first.role == .system {
            prefix = trimmed(first.content) + "\n\n"
            turns = turns.dropFirst()
        }
        var out = ""
        for (n, (index, message)) in zip(turns.indices, turns).enumerated() {
            if message.role == .system { throw TemplateError.systemNotFirst(index: index) }
            let expected: ChatMessage.Role = n % 2 == 0 ? .user : .assistant
            guard message.role == expected else { throw TemplateError.notAlternating(index: index) }
            out += startOfTurn + (message.role == .user ? "user" : "model") + "\n"
            if n == 0 { out += prefix }
            let images = message.images.indices.map { i in
                (i < message.imageLabels.count ? trimmed(message.imageLabels[i]) : "") + imageMarker
            }.joined()
            let text = trimmed(message.content)
            out += (message.imagePlacement == .beforeText ? images + text : text + images) + endOfTurn + "\n"
        }
        if addGenerationPrompt { out += startOfTurn + "model\n" }
        return out
    }

    /// Jinja's `trim`: leading and trailing whitespace removed.
    public static func trimmed(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars[...]
        while let f = scalars.first, f.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let l = scalars.last, l.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
