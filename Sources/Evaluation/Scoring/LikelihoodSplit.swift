import Gemma

/// Where a question's prompt ends and each option's scored tokens begin — the one thing
/// the scoring conventions disagree on besides the arithmetic.
///
/// The plain (not chat) prompt is the cloze form both references use: the context
/// `"Question: …\nAnswer:"` and each option after a space.
/// - lm-evaluation-harness (`sum`, `char-norm`, `byte-norm`; `_encode_pair`): the context is
///   tokenized alone with BOS; the option's tokens are those of context + " " + option
///   after the context's token count.
/// - llama.cpp (`token-mean`; `multiple_choice_prepare_one_task`): each context + " " +
///   option is tokenized with BOS; the prompt is the token prefix all options share and
///   each option is scored from there. When one option's tokens are all shared (it is a
///   prefix of another), the prompt stops one token earlier so every option keeps a token
///   (llama.cpp reads past such an option's end).
public struct LikelihoodSplit: Sendable, Equatable {
    /// The prompt's tokens, BOS first.
    public var prompt: [Int32]
    /// Each option's tokens after the prompt.
    public var continuations: [[Int32]]

    public init(prompt: [Int32], continuations: [[Int32]]) {
        self.prompt = prompt
        self.continuations = continuations
    }

    /// The plain prompt of a question.
    public static func context(question: String) -> String { "Question: \(question)\nAnswer:" }

    public static func harness(context: String, options: [String], tokenizer: GemmaTokenizer) -> LikelihoodSplit {
        let prompt = tokenizer.encode(context, addBOS: true, parseSpecial: false)
        let continuations = options.map { option in
            Array(tokenizer.encode(context + " " + option, addBOS: true, parseSpecial: false).dropFirst(prompt.count))
        }
        return LikelihoodSplit(prompt: prompt, continuations: continuations)
    }

    public static func tokenMean(context: String, options: [String], tokenizer: GemmaTokenizer) -> LikelihoodSplit {
        let sequences = options.map { tokenizer.encode(context + " " + $0, addBOS: true, parseSpecial: false) }
        let shortest = sequences.map(\.count).min() ?? 0
        var common = 0
        while common < shortest - 1, sequences.allSatisfy({ $0[common] == sequences[0][common] }) { common += 1 }
        return LikelihoodSplit(prompt: Array(sequences[0].prefix(common)), continuations: sequences.map { Array($0.dropFirst(common)) })
    }
}
