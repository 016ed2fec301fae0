extension GemmaModel {
    /// Runs a prompt of token and image segments through the model at consecutive positions
    /// and returns the logits of its last row (or of every row, in order, with `allLogits`).
    ///
    /// Token segments go in batches of at most `batchSize`, causally, scaled by sqrt(d) like any
    /// token (T1). Each image goes as ONE batch of embedding rows, not scaled (ENGINE.md I2;
    /// transformers scatters the projector output into the already-scaled token embeddings,
    /// llama.cpp feeds it unscaled), attended bidirectionally within the image and causally to
    /// everything before (I3: HF's same-image block mask, llama.cpp's non-causal image batch),
    /// sliding windows still applying on local layers. The cache must hold the whole image.
    public func prefill(_ segments: [PromptSegment], cache: KVCache, batchSize: Int = 512,
                        allLogits: Bool = false) throws -> [Float] {
        let d = config.embeddingLength
        var logits: [Float] = []
        func run(_ input: Input) throws {
            let out = try forward(input, cache: cache, allLogits: allLogits)
            if allLogits { logits += out } else { logits = out }
        }
        for segment in segments {
            switch segment {
            case .tokens(let tokens):
                var start = 0
                while start < tokens.count {
                    let end = min(tokens.count, start + max(1, batchSize))
                    try run(.tokens(Array(tokens[start..<end])))
                    start = end
                }
            case .image(let rows):
                guard !rows.isEmpty else { continue }
                guard rows.count % d == 0 else { throw ImageEmbeddingWidthError(values: rows.count, width: d) }
                try run(.embeddings(rows, count: rows.count / d))
            }
        }
        return logits
    }
}
