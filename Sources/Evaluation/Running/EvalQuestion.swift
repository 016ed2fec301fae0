/// A multiple-choice or classification item as one shape: a question about an optional
/// picture with options, one of them right. Classification asks the task's prompt about
/// each image with the labels as the options (zero-shot).
public struct EvalQuestion: Sendable, Equatable {
    public var id: String
    public var question: String
    public var options: [String]
    public var answer: Int
    public var image: String?
    public var category: String?

    /// Nil for a report item (no options).
    public init?(_ item: EvalItem, labels: [String], prompt: String) {
        switch item {
        case .multipleChoice(let q):
            self.init(id: q.id, question: q.question, options: q.options, answer: q.answer, image: q.image, category: q.category)
        case .classification(let c):
            self.init(id: c.id, question: prompt, options: labels, answer: c.label, image: c.image, category: nil)
        case .report:
            return nil
        }
    }

    public init(id: String, question: String, options: [String], answer: Int, image: String?, category: String?) {
        self.id = id
        self.question = question
        self.options = options
        self.answer = answer
        self.image = image
        self.category = category
    }

    /// The same question with its options shown in `order` (`order[k]` = the original
    /// index shown at position k); the answer follows its option.
    public func reordered(_ order: [Int]) -> EvalQuestion {
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
