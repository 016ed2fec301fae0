extension GemmaModel {
    /// Processes a prompt in batches of at most `batchSize` tokens (bounded scratch memory
    /// for long prompts) and returns the last position's logits. Prompts with images go
    /// through `prefill(_: [PromptSegment], …)`, which this is the text-only case of.
    public func prefill(_ tokens: [Int32], cache: KVCache, batchSize: Int = 512) throws -> [Float] {
        try prefill([.tokens(tokens)], cache: cache, batchSize: batchSize)
    }
}
