import Foundation

/// Perplexity exactly as llama.cpp's `llama-perplexity` computes it (default path):
/// the whole text tokenized once with BOS; chunks of `context` tokens with no overlap
/// (leftovers ignored); each chunk's first token replaced by BOS and run in a fresh
/// context; only the second half scored — logits at positions first ..< context−1 predict
/// the next token, first = context/2; PPL = exp(mean NLL) over every scored token.
public struct PerplexityResult: Sendable {
    public var chunks = 0
    public var scoredTokens = 0
    public var totalNLL: Double = 0
    public var totalNLLSquared: Double = 0
    /// Running perplexity after each chunk, as llama-perplexity prints `[k]X`.
    public var running: [Double] = []

    public var perplexity: Double { exp(totalNLL / Double(max(1, scoredTokens))) }

    /// llama-perplexity's "+/-": PPL · sqrt(variance of the NLLs / (count − 1)).
    public var standardError: Double {
        let n = Double(scoredTokens)
        guard n > 1 else { return 0 }
        let mean = totalNLL / n
        let variance = totalNLLSquared / n - mean * mean
        return perplexity * (max(0, variance) / (n - 1)).squareRoot()
    }
}

public struct PerplexityError: Error, CustomStringConvertible {
    public let description: String
}

extension GemmaModel {
    /// - Parameters:
    ///   - tokens: the whole text's tokens, BOS first.
    ///   - context: chunk length; at least two chunks are needed.
    ///   - batchSize: how many tokens a forward pass takes (does not change the result).
    ///   - maxChunks: stop after this many chunks (nil: all).
    ///   - progress: called after each chunk with the running result.
    public func perplexity(tokens: [Int32], bos: Int32, context: Int, batchSize: Int = 512, maxChunks: Int? = nil,
                           progress: (PerplexityResult) -> Void = { _ in }) throws -> PerplexityResult {
        guard context >= 4 else { throw PerplexityError(description: "the context must be at least 4 tokens") }
        guard tokens.count >= 2 * context else {
            throw PerplexityError(description: "the text has \(tokens.count) tokens; at least \(2 * context) (two chunks of \(context)) are needed")
        }
        let chunkCount = min(tokens.count / context, maxChunks ?? .max)
        let first = context / 2
        let vocab = config.vocabularySize
        var result = PerplexityResult()
        for chunk in 0..<chunkCount {
            var ids = Array(tokens[(chunk * context)..<((chunk + 1) * context)])
            ids[0] = bos
            let cache = makeCache(capacity: context)
            // Feed the chunk in batches; keep the logits of the rows that are scored.
            var rows: [Float] = []
            var start = 0
            while start < context {
                let end = min(context, start + batchSize)
                let wanted = max(0, end - max(start, first))
                let logits = try forward(.tokens(Array(ids[start..<end])), cache: cache, lastLogitRows: max(1, wanted))
                if wanted > 0 { rows += logits.suffix(wanted * vocab) }
                start = end
            }
            // rows holds positions first ..< context; position j predicts token j + 1.
            for j in first..<(context - 1) {
                let row = rows[((j - first) * vocab)..<((j - first + 1) * vocab)]
                let target = Int(tokens[chunk * context + j + 1])
                let nll = Self.negativeLogLikelihood(row, target: target)
                result.totalNLL += nll
                result.totalNLLSquared += nll * nll
                result.scoredTokens += 1
            }
            result.chunks += 1
            result.running.append(result.perplexity)
            progress(result)
        }
        return result
    }

    /// −log softmax(logits)[target], with a float max, expf per term and a Double sum.
    static func negativeLogLikelihood(_ logits: ArraySlice<Float>, target: Int) -> Double {
        let m = logits.max()!
        var sum: Double = 0
        for v in logits { sum += Double(expf(v - m)) }
        return -(Double(logits[logits.startIndex + target] - m) - log(sum))
    }
}
