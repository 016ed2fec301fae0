/// One item of a task file (README, "Evaluating on your own data"), in one of three kinds.
public enum EvalItem: Sendable, Equatable {
    /// MedQA / PubMedQA / MedMCQA style: the answer is the index of the right option.
    case multipleChoice(MultipleChoiceItem)
    /// An image and its label, scored zero-shot against the file's label set.
    case classification(ClassificationItem)
    /// An open answer or a report, scored against a reference text.
    case report(ReportItem)

    /// Report items are always answered by generation; the others have options.
    public var isReport: Bool {
        if case .report = self { return true }
        return false
    }

    public var isClassification: Bool {
        if case .classification = self { return true }
        return false
    }

    public var id: String {
        switch self {
        case .multipleChoice(let item): return item.id
        case .classification(let item): return item.id
        case .report(let item): return item.id
        }
    }
}

public struct MultipleChoiceItem: Sendable, Equatable {
    public var id: String
    public var question: String
    /// The options in order; their letters are A, B, C… in this order.
    public var options: [String]
    /// 0-based index into `options`.
    public var answer: Int
    public var image: String?
    public var category: String?

    public init(id: String, question: String, options: [String], answer: Int, image: String?, category: String?) {
        self.id = id
        self.question = question
        self.options = options
        self.answer = answer
        self.image = image
        self.category = category
    }
}

public struct ClassificationItem: Sendable, Equatable {
    public var id: String
    public var image: String
    /// 0-based index into the task's labels.
    public var label: Int

    public init(id: String, image: String, label: Int) {
        self.id = id
        self.image = image
        self.label = label
    }
}

public struct ReportItem: Sendable, Equatable {
    public var id: String
    public var prompt: String
    public var image: String?
    public var reference: String

    public init(id: String, prompt: String, image: String?, reference: String) {
        self.id = id
        self.prompt = prompt
        self.image = image
        self.reference = reference
    }
}
