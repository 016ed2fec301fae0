/// How a question is put to the model. A classification item is asked as a multiple-choice
/// question too: the task's prompt about its image, the labels as the options (zero-shot).
extension MultipleChoiceItem {
    /// The item as a question with options; nil for a report item (no options).
    public init?(asking item: EvalItem, labels: [String], prompt: String) {
        switch item {
        case .multipleChoice(let q):
            self = q
        case .classification(let c):
            self.init(id: c.id, question: prompt, options: labels, answer: c.label, image: c.image, category: nil)
        case .report:
            return nil
        }
    }

    /// The same question with its options shown in `order` (`order[k]` = the original
    /// index shown at position k); the answer follows its option.
    public func reordered(_ order: [Int]) -> MultipleChoiceItem {
        var copy = self
        copy.options = order.map { options[$0] }
        copy.answer = order.firstIndex(of: answer)!
        return copy
    }

    /// The question with lettered options, as the generative mode asks it in the chat
    /// template (the form MedGemma's MedQA figures are produced in: question, options A–E,
    /// the answer's letter asked for).
    public var generativePrompt: String {
        let letters = options.indices.map { String(UnicodeScalar(UInt8(65 + $0))) }
        let lines = zip(letters, options).map { "\($0). \($1)" }.joined(separator: "\n")
        return "\(question)\n\n\(lines)\n\nAnswer with the letter of the correct option."
    }
}
