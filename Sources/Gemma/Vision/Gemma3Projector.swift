import GGUF
import Kernels

/// Gemma 3's multimodal projector (ENGINE.md §7.5): the SigLIP patch rows laid back on their
/// grid and average-pooled (kernel = stride = `poolKernel`), each pooled row RMS-normalised
/// and projected to the text model's width. The result rows stand in for token embeddings.
struct Gemma3Projector: @unchecked Sendable {
    let config: VisionConfig
    let weights: VisionWeights

    /// `patches`: `patchCount × hidden` encoder rows. Returns `tokensPerImage × projectionDim`.
    func callAsFunction(_ patches: [Float]) -> [Float] {
        let c = config, d = c.hiddenSize, side = c.patchesPerSide, k = c.poolKernel
        let tokens = c.tokensPerImage, perSide = c.tokensPerSide
        // (V7) average pool: token t = ty·perSide + tx averages the k×k patches below it.
        var pooled = [Float](repeating: 0, count: tokens * d)
        let inverse = 1 / Float(k * k)
        for ty in 0..<perSide {
            for tx in 0..<perSide {
                let t = (ty * perSide + tx) * d
                for dy in 0..<k {
                    for dx in 0..<k {
                        let p = ((ty * k + dy) * side + tx * k + dx) * d
                        for j in 0..<d { pooled[t + j] += patches[p + j] }
                    }
                }
                for j in 0..<d { pooled[t + j] *= inverse }
            }
        }
        // (V8) RMSNorm with the stored weight as the final multiplier (the converter folded in HF's +1).
        pooled.withUnsafeMutableBufferPointer { pb in
            weights.softEmbeddingNorm.withUnsafeBufferPointer { wb in
                for t in 0..<tokens {
                    rmsNorm(pb.baseAddress! + t * d, weight: wb.baseAddress!, count: d, eps: c.layerNormEpsilon)
                }
            }
        }
        // (V9) projection: the stored matrix is hidden rows of text width, so out = g · W
        // (the transpose of the text model's G6 products; HF's `g @ W`).
        let width = c.projectionDim
        // Viewed as d stored rows of `width` values; only its dequantized floats are used.
        let projection = VisionLinear(weight: weights.inputProjection, inputs: width, outputs: d, bias: nil)
        var out = [Float](repeating: 0, count: tokens * width)
        projection.withDequantizedWeight { w in
            pooled.withUnsafeBufferPointer { gb in
                out.withUnsafeMutableBufferPointer { ob in
                    sgemm(m: tokens, n: width, k: d, a: gb.baseAddress!, lda: d, b: w, ldb: width, transposeB: false,
                          c: ob.baseAddress!, ldc: width)
                }
            }
        }
        return out
    }
}
