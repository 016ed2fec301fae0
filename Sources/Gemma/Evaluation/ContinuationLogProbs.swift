/// Log-probabilities of several continuations of one prompt — what multiple-choice
/// evaluation scores each answer option by (lm-evaluation-harness's `loglikelihood`
/// requests, llama-perplexity's `--multiple-choice`).
///
/// The prompt runs once. The continuations then run together in ONE forward pass as
/// branches of the cached prompt (`Batch` branches): each at the positions right after the
/// prompt, seeing the prompt and its own earlier tokens only, as llama.cpp runs an item's
/// options as sequences that share the prompt's cells. Options that do not fit one batch
/// of `batchSize` rows go in further passes over the same cached prompt.
extension GemmaModel {
    /// Output rows at a time when turning hidden states into log-probabilities (a row of
    /// logits is a whole vocabulary: 1 MiB for Gemma 3).
    static let logitChunkRows = 32

    /// - Parameters:
    ///   - prefix: the prompt (tokens, BOS first, and image rows); at least one token.
    ///   - continuations: each option's tokens after the prompt.
    ///   - cache: emptied, then holds the prompt; it needs room for the prompt and the longest continuation.
    /// - Returns: for each continuation, `log P(token_j | prompt, earlier tokens)` for each of its
    ///   tokens (empty for an empty continuation).
    public func continuationLogProbs(prefix: [PromptSegment], continuations: [[Int32]], cache: KVCache,
                                     batchSize: Int = 512) throws -> [[Double]] {
        _ = cache.truncate(to: 0)
        let promptLogits = try prefill(prefix, cache: cache, batchSize: batchSize)
        precondition(promptLogits.count == config.vocabularySize, "continuationLogProbs: the prompt must end with a token row")
        var result = continuations.map { $0.isEmpty ? [Double]() : [-Self.negativeLogLikelihood(promptLogits[...], target: Int($0[0]))] }
        var group: [Int] = []
        func runGroup() throws {
            guard !group.isEmpty else { return }
            let rows = try branchLogProbs(group.map { continuations[$0] }, cache: cache)
            for (k, index) in group.enumerated() { result[index] += rows[k] }
            group = []
        }
        for (index, tokens) in continuations.enumerated() where tokens.count > 1 {
            let rows = group.reduce(0) { $0 + continuations[$1].count }
            if rows + tokens.count > max(1, batchSize) { try runGroup() }
            group.append(index)
        }
        try runGroup()
        return result
    }

    /// Runs `branches` after the cached prompt in one pass (nothing is committed to the
    /// cache) and returns, per branch, the log-probability of each token after its first.
    private func branchLogProbs(_ branches: [[Int32]], cache: KVCache) throws -> [[Double]] {
        var x = try embed(.tokens(branches.flatMap { $0 }))
        try cache.reserve(rows: branches.map(\.count).max() ?? 0)
        let batch = Batch(config: config, cache: cache, branchLengths: branches.map(\.count))
        runLayers(&x, batch)
        // Row r of a branch predicts its token r + 1; its last row predicts nothing.
        var wanted: [(row: Int, target: Int32, branch: Int)] = []
        for (b, range) in batch.branches.enumerated() {
            for r in range.dropLast() { wanted.append((r, branches[b][r - range.lowerBound + 1], b)) }
        }
        var result = [[Double]](repeating: [], count: branches.count)
        let d = config.embeddingLength, vocab = config.vocabularySize
        var start = 0
        while start < wanted.count {
            let chunk = wanted[start..<min(wanted.count, start + Self.logitChunkRows)]
            var rows = [Float](); rows.reserveCapacity(chunk.count * d)
            for w in chunk { rows += x[(w.row * d)..<((w.row + 1) * d)] }
            let logits = self.logits(rows, rows: chunk.count, keeping: chunk.count)
            for (k, w) in chunk.enumerated() {
                result[w.branch].append(-Self.negativeLogLikelihood(logits[(k * vocab)..<((k + 1) * vocab)], target: Int(w.target)))
            }
            start += chunk.count
        }
        return result
    }
}
