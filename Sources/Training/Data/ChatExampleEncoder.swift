import Gemma

/// A chat (system / user / assistant turns, as in training JSONL) as a `TrainingExample`:
/// rendered with Gemma's chat template exactly as a reply would see it, the loss taken on
/// the assistant turns only — their text and `<end_of_turn>` — never on the prompt.
///
/// Turns are tokenized one at a time: every turn starts with the special `<start_of_turn>`,
/// which the tokenizer never merges across, so the ids are those of the whole text. An image
/// in a user turn is expanded as the engine expands it (`"\n\n<start_of_image>"`, its rows,
/// `"<end_of_image>\n\n"`), its rows taken from `imageRows`.
public struct ChatExampleEncoder {
    public let tokenizer: GemmaTokenizer
    /// The rows of the image at a path (the frozen vision tower's output, cached by the caller).
    public let imageRows: (String) throws -> (rows: [Float], count: Int)

    public init(tokenizer: GemmaTokenizer, imageRows: @escaping (String) throws -> (rows: [Float], count: Int) = { _ in
        throw ChatExampleError("this model has no vision part: pass --mmproj to train on images")
    }) {
        self.tokenizer = tokenizer
        self.imageRows = imageRows
    }

    public func encode(_ chat: TrainingChat) throws -> TrainingExample {
        var ids: [Int32] = [tokenizer.bos]
        var labels: [Int32] = [TrainingExample.ignored]
        var images: [TrainingExample.Image] = []
        // The template itself: alternation, the system instruction folded into the first turn.
        let messages = chat.turns.map { ChatMessage($0.role, $0.text) }
        do { _ = try ChatTemplate.render(messages, addGenerationPrompt: false) } catch { throw ChatExampleError("\(error)") }
        var system = ""
        var turns = chat.turns[...]
        if let first = turns.first, first.role == .system {
            system = ChatTemplate.trimmed(first.text) + "\n\n"
            turns = turns.dropFirst()
        }
        for (n, turn) in turns.enumerated() {
            let role = turn.role == .user ? "user" : "model"
            let head = "<start_of_turn>" + role + "\n" + (n == 0 ? system : "")
            if turn.role == .assistant {
                guard turn.images.isEmpty else { throw ChatExampleError("an assistant turn has an image; images go in user turns") }
                let headIDs = tokenizer.encode(head, addBOS: false, parseSpecial: true)
                let whole = tokenizer.encode(head + ChatTemplate.trimmed(turn.text) + "<end_of_turn>\n", addBOS: false, parseSpecial: true)
                // The target: everything after the turn's head (text and <end_of_turn>, and its newline).
                let start = Array(whole.prefix(headIDs.count)) == headIDs ? headIDs.count : min(whole.count, 3)
                ids += whole
                labels += whole.enumerated().map { $0.offset >= start ? $0.element : TrainingExample.ignored }
                continue
            }
            var pending = head
            for path in turn.images {
                pending += "\n\n<start_of_image>"
                let part = tokenizer.encode(pending, addBOS: false, parseSpecial: true)
                ids += part
                let (rows, count) = try imageRows(path)
                images.append(TrainingExample.Image(start: ids.count, rows: rows, count: count))
                ids += Array(repeating: 0, count: count)
                labels += Array(repeating: TrainingExample.ignored, count: part.count + count)
                pending = "<end_of_image>\n\n"
            }
            let part = tokenizer.encode(pending + ChatTemplate.trimmed(turn.text) + "<end_of_turn>\n", addBOS: false, parseSpecial: true)
            ids += part
            labels += Array(repeating: TrainingExample.ignored, count: part.count)
        }
        return TrainingExample(ids: ids, labels: labels, images: images)
    }
}

/// Why a chat cannot be a training example: one line.
public struct ChatExampleError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
