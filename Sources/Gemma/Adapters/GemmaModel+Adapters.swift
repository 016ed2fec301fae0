import Adapters
import GGUF

extension GemmaModel {
    /// Adds every active adapter's update of `target` in layer `l` to `y` (`rows` rows), the
    /// product of the projection whose input rows are `x`.
    func addAdapters(_ l: Int, _ target: TextProjection, input x: [Float], rows n: Int, into y: inout [Float]) {
        for adapter in adapters where adapter.userScale != 0 {
            guard let update = adapter.layers[l][target] else { continue }
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    update.add(xb.baseAddress!, rows: n, factor: adapter.userScale, into: yb.baseAddress!)
                }
            }
        }
    }

    /// Whether an active adapter updates `target` in layer `l` (the fused decode kernels of
    /// q/k/v and of the GeGLU then give way to separate products).
    func adapted(_ l: Int, _ target: TextProjection) -> Bool {
        adapters.contains { $0.userScale != 0 && $0.touches(l, target) }
    }
}

extension GemmaModel {
    /// The matrix tokens are looked up in: an active adapter's replacement (PEFT
    /// `modules_to_save` `embed_tokens`), else the model's own.
    var tokenEmbedding: GGUFTensor {
        adapters.last { $0.userScale != 0 && $0.tokenEmbedding != nil }?.tokenEmbedding ?? weights.tokenEmbedding
    }

    /// The output projection: an active adapter's `lm_head` replacement, else the model's own
    /// (for Gemma, the tied embedding — the model's, not an adapter's replaced one: PEFT's
    /// copies of the two are separate modules).
    var outputProjection: GGUFTensor {
        adapters.last { $0.userScale != 0 && $0.output != nil }?.output ?? weights.outputProjection
    }
}
