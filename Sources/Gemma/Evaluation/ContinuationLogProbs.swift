/// Log-probabilities of several continuations of one prompt — what multiple-choice
/// evaluation scores each answer option by (lm-evaluation-harness's `loglikelihood`
/// requests, llama-perplexity's `--multiple-choice`).
///
/// One forward pass does an item: the prompt's last tokens and every option after them,
/// each option a branch of the prompt (`Batch` branches: at the positions right after the
/// prompt, seeing the prompt and its own earlier tokens only), as llama.cpp runs an item's
/// options as sequences that share the prompt's cells. The weights are read once per item,
/// which is what a batch costs on a CPU. What comes before (images, a long prompt) is
/// prefilled first; options that do not fit one batch of `batchSize` rows go in further
/// passes over the cached prompt.
extension GemmaModel {
    /// Output rows at a time when turning hidden states into log-probabilities (a row of
    /// logits is a whole vocabulary: 1 MiB for Gemma 3).
    static let logitChunkRows = 32

    /// - Parameters:
    ///   - prefix: the prompt (tokens, BOS first, and image rows); it must end with tokens.
    ///   - continuations: each option's tokens after the prompt.
    ///   - cache: emptied, then holds the prompt; it needs room for the prompt and the longest continuation.
    /// - Returns: for each continuation, `log P(token_j | prompt, earlier tokens)` for each of its
    ///   tokens (empty for an empty continuation).
    public func continuationLogProbs(prefix: [PromptSegment], continuations: [[Int32]], cache: KVCache,
                                     batchSize: Int = 512) throws -> [[Double]] {
        guard case .tokens(let last)? = prefix.last, !last.isEmpty else {
            preconditionFailure("continuationLogProbs: the prompt must end with tokens")
        }
        // Options in groups of at most `batchSize` rows (one alone may be longer); only the
        // rows before an option's last token need running — its first token is predicted by
        // the prompt's last row.
        var groups: [[Int]] = [[]], rows = 0
        for (index, tokens) in continuations.enumerated() where tokens.count > 1 {
            if rows + tokens.count - 1 > max(1, batchSize), !groups[groups.count - 1].isEmpty {
                groups.append([])
                rows = 0
            }
            groups[groups.count - 1].append(index)
            rows += tokens.count - 1
        }
        // The trunk: as much of the prompt's end as fits beside the first group.
        let firstRows = groups[0].reduce(0) { $0 + continuations[$1].count - 1 }
        let trunkCount = min(last.count, max(1, batchSize - firstRows))
        var head = Array(prefix.dropLast())
        if trunkCount < last.count { head.append(.tokens(Array(last.dropLast(trunkCount)))) }

        _ = cache.truncate(to: 0)
        if !head.isEmpty { _ = try prefill(head, cache: cache, batchSize: batchSize) }
        var result = [[Double]](repeating: [], count: continuations.count)
        var trunk = Array(last.suffix(trunkCount))
        for group in groups {
            let branches = group.map { Array(continuations[$0].dropLast()) }
            let (firstTokens, rest) = try branchLogProbs(trunk: trunk, branches: branches,
                                                         targets: group.map { Array(continuations[$0].dropFirst()) }, cache: cache)
            if let firstTokens {
                // The prompt's last row predicts every option's first token.
                for (index, tokens) in continuations.enumerated() where !tokens.isEmpty {
                    result[index] = [-Self.negativeLogLikelihood(firstTokens[...], target: Int(tokens[0]))]
                }
            }
            for (k, index) in group.enumerated() { result[index] += rest[k] }
            trunk = []
        }
        return result
    }

    /// One pass: `trunk` (the prompt's last tokens, committed to the cache) then `branches`
    /// after it (not committed). Returns the logits of the trunk's last row when there is a
    /// trunk, and per branch the log-probability of `targets[b][r]` at its row r.
    private func branchLogProbs(trunk: [Int32], branches: [[Int32]], targets: [[Int32]],
                                cache: KVCache) throws -> (trunkLogits: [Float]?, branches: [[Double]]) {
        var x = try embed(.tokens(trunk + branches.flatMap { $0 }))
        try cache.reserve(rows: trunk.count + (branches.map(\.count).max() ?? 0))
        let batch = Batch(config: config, cache: cache, trunk: trunk.count, branchLengths: branches.map(\.count))
        runLayers(&x, batch)
        cache.commit(rows: trunk.count)
        var wanted: [(row: Int, target: Int32, branch: Int)] = []
        var row = trunk.count
        for (b, tokens) in branches.enumerated() {
            for r in tokens.indices { wanted.append((row + r, targets[b][r], b)) }
            row += tokens.count
        }
        let d = config.embeddingLength, vocab = config.vocabularySize
        let trunkLogits = trunk.isEmpty ? nil : logits(Array(x[((trunk.count - 1) * d)..<(trunk.count * d)]), rows: 1, keeping: 1)
        var result = [[Double]](repeating: [], count: branches.count)
        var start = 0
        while start < wanted.count {
            let chunk = wanted[start..<min(wanted.count, start + Self.logitChunkRows)]
            var rows = [Float]()
            rows.reserveCapacity(chunk.count * d)
            for w in chunk { rows += x[(w.row * d)..<((w.row + 1) * d)] }
            let logits = self.logits(rows, rows: chunk.count, keeping: chunk.count)
            for (k, w) in chunk.enumerated() {
                result[w.branch].append(-Self.negativeLogLikelihood(logits[(k * vocab)..<((k + 1) * vocab)], target: Int(w.target)))
            }
            start += chunk.count
        }
        return (trunkLogits, result)
    }
}
