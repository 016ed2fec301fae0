extension GemmaModel {
    /// Processes a prompt in batches of at most `batchSize` tokens (bounded scratch memory
    /// for long prompts) and returns the last position's logits.
    public func prefill(_ tokens: [Int32], cache: KVCache, batchSize: Int = 512) throws -> [Float] {
        var logits: [Float] = []
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + batchSize)
            logits = try forward(.tokens(Array(tokens[start..<end])), cache: cache)
            start = end
        }
        return logits
    }
}
