import Kernels

/// The SigLIP vision transformer (ENGINE.md §7.4): the image cut into patches, each patch
/// embedded by the patch "convolution" (a matrix product, the kernel's stride equals its
/// size) plus a learned position embedding, then N pre-LayerNorm transformer blocks with
/// bidirectional attention and a GELU-tanh MLP, then a final LayerNorm. No class token.
struct SigLIPEncoder: @unchecked Sendable {
    let config: VisionConfig
    let weights: VisionWeights

    /// `pixels`: normalised CHW floats, `imageSize²` per channel. Returns `patchCount × hidden`
    /// rows, patch `p = py·patchesPerSide + px` (row-major, top-left first).
    ///
    /// The per-layer buffers are allocated once per image and reused by every layer: fresh
    /// ones cost ~200 MB of page faults and zeroing a layer (the FFN's alone is 70 MB at 4096
    /// patches), on one core while the others waited.
    func callAsFunction(_ pixels: [Float]) -> [Float] {
        let c = config, n = c.patchCount, d = c.hiddenSize
        // (V1) patch embedding, (V2) + position embedding.
        var x = weights.patchEmbedding(patches(pixels), rows: n)
        addInPlace(&x, dequantize(tensor: weights.positionEmbedding))
        var u = [Float](repeating: 0, count: n * d), out = u
        var q = u, k = u, v = u, attended = u
        var hidden = [Float](repeating: 0, count: n * c.feedForwardLength)
        for layer in weights.layers {
            // (V4) attention block.
            layerNormRows(x, weight: layer.norm1Weight, bias: layer.norm1Bias, rows: n, eps: c.layerNormEpsilon, into: &u)
            layer.q.apply(u, rows: n, into: &q)
            layer.k.apply(u, rows: n, into: &k)
            layer.v.apply(u, rows: n, into: &v)
            // Attention in bf16 only where q, k and v come out of reduced-precision products
            // (F16/BF16/Q8_0 weights at `.fast`): an F32 tower, or `.reference`, stays all f32.
            let bf16 = layer.q.usesFastKernel && layer.k.usesFastKernel && layer.v.usesFastKernel
            selfAttention(q, k, v, bf16: bf16, into: &attended)
            layer.output.apply(attended, rows: n, into: &out)
            addInPlace(&x, out)
            // (V5) MLP block.
            layerNormRows(x, weight: layer.norm2Weight, bias: layer.norm2Bias, rows: n, eps: c.layerNormEpsilon, into: &u)
            layer.up.apply(u, rows: n, into: &hidden)
            geluTanhRows(&hidden, rows: n)
            layer.down.apply(hidden, rows: n, into: &out)
            addInPlace(&x, out)
        }
        // (V6) final LayerNorm.
        return layerNormRows(x, weight: weights.postNormWeight, bias: weights.postNormBias, rows: n, eps: c.layerNormEpsilon)
    }

    /// (V4) `softmax(q_h·k_hᵀ / sqrt(D)) v_h` for every head, every patch seeing every patch:
    /// with `bf16`, the bf16 kernel's attention where the CPU has it (`bf16Attention`), else the
    /// text model's attention with the bidirectional mask, over these f32 rows. Every value of
    /// `out` is written.
    private func selfAttention(_ q: [Float], _ k: [Float], _ v: [Float], bf16: Bool, into out: inout [Float]) {
        let c = config, n = c.patchCount, width = c.headCount * c.headDim
        precondition(q.count == n * width && k.count == n * width && v.count == n * width && out.count == n * width,
                     "attention: buffers are not rows × \(width)")
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
