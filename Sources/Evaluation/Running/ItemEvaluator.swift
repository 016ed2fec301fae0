import Foundation
import Gemma
import Workstation

/// Answers one task item and scores it: the line a run file keeps for it.
///
/// - Multiple choice and classification (`MultipleChoiceItem+Asking`): in `.likelihood` mode every
///   option is scored in the in-process engine (`LikelihoodScorer`) and the best one is
///   the prediction; in `.generate` mode the backend answers the lettered question
///   greedily and the first option letter of its answer is the prediction (none: wrong,
///   and listed). With `shuffleSeed` the question is asked a second time with its options
///   in another order (`OptionOrder`), for the position-bias check. (Likelihood scores
///   each option on its own, wherever it stands: there is no order to be biased by.)
/// - Report items: the backend writes an answer greedily; exact match, token F1 and
///   ROUGE-L against the reference.
public final class ItemEvaluator {
    public let mode: EvalMode
    let backend: InferenceBackend
    let scorer: LikelihoodScorer?
    let images: ImageEmbeddingProvider?
    let taskFolder: String
    let labels: [String]
    let prompt: String
    let maxTokens: Int
    let shuffleSeed: UInt64?
    /// Cancels a generation in progress (Ctrl-C).
    public let current = CurrentRequest()

    public init(mode: EvalMode, backend: InferenceBackend, scorer: LikelihoodScorer?, images: ImageEmbeddingProvider?,
                taskFolder: String, labels: [String], prompt: String, maxTokens: Int, shuffleSeed: UInt64?) {
        self.mode = mode
        self.backend = backend
        self.scorer = scorer
        self.images = images
        self.taskFolder = taskFolder
        self.labels = labels
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.shuffleSeed = shuffleSeed
    }

    /// The item's result; nil when the run was stopped while its answer was being generated.
    public func evaluate(_ item: EvalItem) throws -> ItemResult? {
        let start = ContinuousClock.now
        var result: ItemResult?
        if let question = MultipleChoiceItem(asking: item, labels: labels, prompt: prompt) {
            result = try answer(question)
        } else if case .report(let report) = item {
            result = try write(report)
        }
        // A finished item counts even when Ctrl-C came meanwhile; a cut-off generation does not.
        guard var done = result else { return nil }
        let elapsed = ContinuousClock.now - start
        done.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return done
    }

    private func answer(_ q: MultipleChoiceItem) throws -> ItemResult? {
        let picture = try q.image.map { try TaskImage.attachment($0, taskFolder: taskFolder) }
        var result = ItemResult(id: q.id, truth: q.answer, correct: false, seconds: 0)
        result.category = q.category
        result.optionCount = q.options.count
        switch mode {
        case .likelihood:
            guard let scorer else { throw EvaluationFailure(description: "likelihood scoring needs the in-process engine") }
            let embedding = try picture.map { try imageEmbedding($0) }
            let scores = try scorer.scores(question: q.question, options: q.options, image: embedding)
            result.scores = scores
            result.prediction = ScoringRule.prediction(scores)
        case .generate:
            guard let (text, cancelled) = try generate(q.generativePrompt, picture: picture), !cancelled else { return nil }
            result.answer = text
            result.prediction = AnswerLetter.parse(text, optionCount: q.options.count)
            if let order = permutation(q) {
                guard let (shown, stopped) = try generate(q.reordered(order).generativePrompt, picture: picture), !stopped else { return nil }
                result.permutation = order
                result.permutedPrediction = AnswerLetter.parse(shown, optionCount: q.options.count).map { order[$0] }
            }
        }
        result.correct = result.prediction == q.answer
        return result
    }

    private func write(_ item: ReportItem) throws -> ItemResult? {
        let picture = try item.image.map { try TaskImage.attachment($0, taskFolder: taskFolder) }
        guard let (text, cancelled) = try generate(item.prompt, picture: picture), !cancelled else { return nil }
        var result = ItemResult(id: item.id, correct: TextMetrics.exactMatch(text, item.reference), seconds: 0)
        result.answer = text
        result.exactMatch = result.correct ? 1 : 0
        result.f1 = TextMetrics.tokenF1(text, item.reference)
        result.rougeL = TextMetrics.rougeL(text, item.reference)
        return result
    }

    private func permutation(_ q: MultipleChoiceItem) -> [Int]? {
        shuffleSeed.map { OptionOrder.permutation(count: q.options.count, seed: $0, itemID: q.id) }
    }

    private func imageEmbedding(_ picture: ImageAttachment) throws -> ImageEmbedding {
        guard let images else {
            throw EvaluationFailure(description: "\(picture.source): the model has no vision part loaded (pass --mmproj FILE, the mmproj GGUF published beside it)")
        }
        return try images.embedding(for: picture) { _ in }
    }

    private func generate(_ text: String, picture: ImageAttachment?) throws -> (String, Bool)? {
        guard !current.isStopped else { return nil }
        let settings = GenerationSettings(sampling: .greedy, maxTokens: maxTokens)
        let reply = try BlockingReply.text(from: backend, [BackendMessage(.user, text, images: picture.map { [$0] } ?? [])],
                                           settings: settings, current: current)
        return (reply.text, reply.cancelled)
    }
}
