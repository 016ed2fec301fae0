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
            // Attention in bf16 only where q, k and v come out of reduced-precision products
            // (F16/BF16/Q8_0 weights at `.fast`): an F32 tower, or `.reference`, stays all f32.
            let bf16 = layer.q.usesFastKernel && layer.k.usesFastKernel && layer.v.usesFastKernel
            let attended = selfAttention(layer.q(u, rows: n), layer.k(u, rows: n), layer.v(u, rows: n), bf16: bf16)
            addInPlace(&x, layer.output(attended, rows: n))
            // (V5) MLP block.
            let u2 = layerNormRows(x, weight: layer.norm2Weight, bias: layer.norm2Bias, rows: n, eps: c.layerNormEpsilon)
            var hidden = layer.up(u2, rows: n)
            geluTanhRows(&hidden, rows: n)
            addInPlace(&x, layer.down(hidden, rows: n))
        }
        // (V6) final LayerNorm.
        return layerNormRows(x, weight: weights.postNormWeight, bias: weights.postNormBias, rows: n, eps: c.layerNormEpsilon)
    }

    /// (V4) `softmax(q_h·k_hᵀ / sqrt(D)) v_h` for every head, every patch seeing every patch:
    /// with `bf16`, the bf16 kernel's attention where the CPU has it (`bf16Attention`), else the
    /// text model's attention with the bidirectional mask, over these f32 rows.
    private func selfAttention(_ q: [Float], _ k: [Float], _ v: [Float], bf16: Bool) -> [Float] {
        let c = config, n = c.patchCount, width = c.headCount * c.headDim
        precondition(q.count == n * width && k.count == n * width && v.count == n * width, "attention: buffers are not rows × \(width)")
        var out = [Float](repeating: 0, count: n * width)
        q.withUnsafeBufferPointer { qb in
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    out.withUnsafeMutableBufferPointer { ob in
                        let scale = 1 / Float(c.headDim).squareRoot()
                        if bf16,
                           bf16Attention(queries: qb.baseAddress!, keys: kb.baseAddress!, values: vb.baseAddress!, rows: n,
                                         heads: c.headCount, headDim: c.headDim, stride: width, scale: scale, into: ob.baseAddress!) {
                            return
                        }
                        attention(queries: qb.baseAddress!, rows: n, firstPosition: 0, heads: c.headCount, headDim: c.headDim,
                                  keysAndValues: KeyValueRows(keys: kb.baseAddress!, values: vb.baseAddress!, stride: width, rows: n),
                                  kvHeads: c.headCount, mask: .bidirectional, scoreScale: scale,
                                  into: ob.baseAddress!)
                    }
                }
            }
        }
        return out
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
