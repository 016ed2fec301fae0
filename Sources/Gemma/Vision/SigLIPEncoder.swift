import Kernels

/// The SigLIP vision transformer (GEMMA3.md §7.4): the image cut into patches, each patch
/// embedded by the patch "convolution" (a matrix product, the kernel's stride equals its
/// size) plus a learned position embedding, then N pre-LayerNorm transformer blocks with
/// bidirectional attention and a GELU-tanh MLP, then a final LayerNorm. No class token.
struct SigLIPEncoder: @unchecked Sendable {
    let config: VisionConfig
    let weights: VisionWeights

    /// `pixels`: normalised CHW floats, `imageSize²` per channel. Returns `patchCount × hidden`
    /// rows, patch `p = py·patchesPerSide + px` (row-major, top-left first).
    func callAsFunction(_ pixels: [Float]) -> [Float] {
        let c = config, n = c.patchCount
        // (V1) patch embedding, (V2) + position embedding.
        var x = weights.patchEmbedding(patches(pixels), rows: n)
        addInPlace(&x, dequantize(tensor: weights.positionEmbedding))
        for layer in weights.layers {
            // (V4) attention block.
            let u = layerNormRows(x, weight: layer.norm1Weight, bias: layer.norm1Bias, rows: n, eps: c.layerNormEpsilon)
            let attended = bidirectionalAttention(q: layer.q(u, rows: n), k: layer.k(u, rows: n), v: layer.v(u, rows: n),
                                                  rows: n, heads: c.headCount, headDim: c.headDim)
            addInPlace(&x, layer.output(attended, rows: n))
            // (V5) MLP block.
            let u2 = layerNormRows(x, weight: layer.norm2Weight, bias: layer.norm2Bias, rows: n, eps: c.layerNormEpsilon)
            var hidden = layer.up(u2, rows: n)
            geluTanhInPlace(&hidden)
            addInPlace(&x, layer.down(hidden, rows: n))
        }
        // (V6) final LayerNorm.
        return layerNormRows(x, weight: weights.postNormWeight, bias: weights.postNormBias, rows: n, eps: c.layerNormEpsilon)
    }

    /// The patches as rows of 3·p·p values in the convolution kernel's order (c, ky, kx).
    private func patches(_ pixels: [Float]) -> [Float] {
        let c = config, p = c.patchSize, side = c.patchesPerSide, size = c.imageSize
        let values = c.patchValues
        var out = [Float](repeating: 0, count: c.patchCount * values)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for py in 0..<side {
                    for px in 0..<side {
                        var o = (py * side + px) * values
                        for ch in 0..<3 {
                            for ky in 0..<p {
                                let row = ch * size * size + (py * p + ky) * size + px * p
                                for kx in 0..<p {
                                    dst[o] = src[row + kx]
                                    o += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
