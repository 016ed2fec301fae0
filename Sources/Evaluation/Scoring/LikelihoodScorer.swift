import Gemma

/// Scores a question's options by their likelihood as continuations of its prompt, in the
/// in-process engine: the prompt runs once and the options together after it
/// (`GemmaModel.continuationLogProbs`).
///
/// The prompt is the plain cloze form (`LikelihoodSplit`) unless `chat` is set or the item
/// has a picture: then it is the question as one user turn of the chat template, the
/// picture after its text, ending with the model's turn, and each option's own tokens
/// follow (no delimiter). A picture only ever reaches Gemma 3 through the chat template.
///
/// It runs the model on the caller's thread: the evaluation owns the engine while it runs.
public final class LikelihoodScorer {
    public let engine: Engine
    public let rule: ScoringRule
    public let chat: Bool
    private let cache: KVCache

    public init(engine: Engine, rule: ScoringRule, chat: Bool, contextSize: Int) {
        self.engine = engine
        self.rule = rule
        self.chat = chat
        cache = engine.model.makeCache(capacity: contextSize)
    }

    /// One score per option (`rule`), in order.
    public func scores(question: String, options: [String], image: ImageEmbedding? = nil) throws -> [Double] {
        let prefix: [PromptSegment], continuations: [[Int32]]
        if chat || image != nil {
            prefix = try engine.promptSegments(for: [ChatMessage(.user, question, images: image.map { [$0] } ?? [])])
            continuations = options.map { engine.tokenizer.encode($0, addBOS: false, parseSpecial: false) }
        } else {
            let context = LikelihoodSplit.context(question: question)
            let split = rule == .tokenMean
                ? LikelihoodSplit.tokenMean(context: context, options: options, tokenizer: engine.tokenizer)
                : LikelihoodSplit.harness(context: context, options: options, tokenizer: engine.tokenizer)
            prefix = [.tokens(split.prompt)]
            continuations = split.continuations
        }
        let promptLength = prefix.reduce(0) { total, segment in
            switch segment {
            case .tokens(let t): return total + t.count
            case .image(let rows): return total + rows.count / engine.model.config.embeddingLength
            }
        }
        let needed = promptLength + (continuations.map(\.count).max() ?? 0)
        guard needed <= cache.capacity else { throw ContextFullError(capacity: cache.capacity, needed: needed) }
        let logProbs = try engine.model.continuationLogProbs(prefix: prefix, continuations: continuations, cache: cache,
                                                             batchSize: Engine.prefillBatch)
        return zip(logProbs, options).map { rule.score($0, option: $1) }
    }
}
