import Foundation

/// One item's outcome: one line of a run file, written the moment the item is scored, so a
/// run interrupted after hours resumes where it stopped and every summary, comparison or
/// second look at an answer is computed from these lines alone, without the model.
///
/// Indices are always in the task file's ORIGINAL option order, whatever order the options
/// were shown in, so two runs (or a run and its shuffled pass) compare item by item.
public struct ItemResult: Codable, Equatable, Sendable {
    public var id: String
    /// The model's score per option (original order): log-likelihoods in scoring modes.
    public var scores: [Double]?
    /// The chosen option or label; nil when a generated answer named none.
    public var prediction: Int?
    /// The right option or true label; nil for report items, which have a reference text.
    public var truth: Int?
    public var correct: Bool
    /// Wall-clock time the item took.
    public var seconds: Double
    /// The generated text, in the generative and report modes.
    public var answer: String?
    public var category: String?
    /// How many options the question had: its chance level is 1 / this.
    public var optionCount: Int?
    /// With shuffled options, the order of the second pass: `permutation[k]` is the original
    /// index of the option shown at position k.
    public var permutation: [Int]?
    /// The second (shuffled) pass's prediction, mapped back to the original index.
    public var permutedPrediction: Int?
    /// Report items: SQuAD exact match (0 or 1), token F1 and ROUGE-L against the reference.
    public var exactMatch: Double?
    public var f1: Double?
    public var rougeL: Double?

    public init(id: String, scores: [Double]? = nil, prediction: Int? = nil, truth: Int? = nil, correct: Bool,
                seconds: Double, answer: String? = nil, category: String? = nil, optionCount: Int? = nil,
                permutation: [Int]? = nil, permutedPrediction: Int? = nil,
                exactMatch: Double? = nil, f1: Double? = nil, rougeL: Double? = nil) {
        self.id = id
        self.scores = scores
        self.prediction = prediction
        self.truth = truth
        self.correct = correct
        self.seconds = seconds
        self.answer = answer
        self.category = category
        self.optionCount = optionCount
        self.permutation = permutation
        self.permutedPrediction = permutedPrediction
        self.exactMatch = exactMatch
        self.f1 = f1
        self.rougeL = rougeL
    }

    enum CodingKeys: String, CodingKey {
        case id, scores, prediction, truth, correct, seconds, answer, category
        case optionCount = "options"
        case permutation
        case permutedPrediction = "permuted_prediction"
        case exactMatch = "exact_match"
        case f1
        case rougeL = "rouge_l"
    }

    // Written out rather than synthesized so that absent values are omitted on purpose
    // (`encodeIfPresent`), not by the grace of the synthesized code.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(scores, forKey: .scores)
        try c.encodeIfPresent(prediction, forKey: .prediction)
        try c.encodeIfPresent(truth, forKey: .truth)
        try c.encode(correct, forKey: .correct)
        try c.encode(seconds, forKey: .seconds)
        try c.encodeIfPresent(answer, forKey: .answer)
        try c.encodeIfPresent(category, forKey: .category)
        try c.encodeIfPresent(optionCount, forKey: .optionCount)
        try c.encodeIfPresent(permutation, forKey: .permutation)
        try c.encodeIfPresent(permutedPrediction, forKey: .permutedPrediction)
        try c.encodeIfPresent(exactMatch, forKey: .exactMatch)
        try c.encodeIfPresent(f1, forKey: .f1)
        try c.encodeIfPresent(rougeL, forKey: .rougeL)
    }

    /// The result as one run-file line (sorted keys, no nulls, no newline at the end).
    public func jsonLine() throws -> String {
        try RunLineCoding.line(self)
    }
}
