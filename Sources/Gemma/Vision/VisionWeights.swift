import Adapters
import GGUF
import Kernels

/// The mmproj tensors (ENGINE.md §7.2), looked up by name and shape-checked once against
/// the metadata, so a truncated or mismatched file fails here with a one-line error rather
/// than inside the forward pass. Matrices stay zero-copy views of the mapped file; the
/// small vectors (biases, norm weights) are read into Float arrays whatever their type.
public struct VisionWeights: @unchecked Sendable {
    struct Layer: @unchecked Sendable {
        let norm1Weight: [Float], norm1Bias: [Float]
        var q: VisionLinear, k: VisionLinear, v: VisionLinear, output: VisionLinear
        let norm2Weight: [Float], norm2Bias: [Float]
        var up: VisionLinear, down: VisionLinear
    }

    /// The patch convolution as a matrix: `hidden` rows of 3·p·p values (c, ky, kx; kx fastest).
    var patchEmbedding: VisionLinear
    /// `v.position_embd.weight`: row p is added to patch p.
    let positionEmbedding: GGUFTensor
    var layers: [Layer]
    let postNormWeight: [Float], postNormBias: [Float]
    /// `mm.soft_emb_norm.weight`: the converter stores HF's 1 + γ, the final multiplier.
    let softEmbeddingNorm: [Float]
    /// `mm.input_projection.weight`, ne = [text width, hidden]: row i belongs to vision channel i.
    let inputProjection: GGUFTensor

    public init(file: GGUFFile, config c: VisionConfig) throws(GGUFError) {
        func tensor(_ name: String, _ shape: [Int]) throws(GGUFError) -> GGUFTensor {
            let t = try file.requireTensor(name)
            guard t.shape == shape else {
                throw GGUFError(file: file.path, .wrongTensorShape(tensor: name, expected: shape, found: t.shape))
            }
            return t
        }
        func vector(_ name: String, _ n: Int) throws(GGUFError) -> [Float] {
            dequantize(tensor: try tensor(name, [n]))
        }
        func linear(_ name: String, _ nIn: Int, _ nOut: Int) throws(GGUFError) -> VisionLinear {
            VisionLinear(weight: try tensor(name + ".weight", [nIn, nOut]), inputs: nIn, outputs: nOut,
                         bias: try vector(name + ".bias", nOut))
        }
        let d = c.hiddenSize, f = c.feedForwardLength, p = c.patchSize
        let patch = try tensor("v.patch_embd.weight", [p, p, 3, d])
        let patchBias = file.tensor(named: "v.patch_embd.bias") == nil ? nil : try vector("v.patch_embd.bias", d)
        patchEmbedding = VisionLinear(weight: patch, inputs: 3 * p * p, outputs: d, bias: patchBias)
        positionEmbedding = try tensor("v.position_embd.weight", [d, c.patchCount])
        var layers: [Layer] = []
        for i in 0..<c.layerCount {
            let b = "v.blk.\(i)."
            // Some old converters wrote fc1/fc2 under swapped names; llama.cpp swaps them back
            // when the shapes say so (ENGINE.md §7.2), and so do we.
            let swapped = file.info(named: b + "ffn_up.weight")?.shape == [f, d]
                && file.info(named: b + "ffn_down.weight")?.shape == [d, f] && f != d
            layers.append(Layer(
                norm1Weight: try vector(b + "ln1.weight", d), norm1Bias: try vector(b + "ln1.bias", d),
                q: try linear(b + "attn_q", d, d), k: try linear(b + "attn_k", d, d),
                v: try linear(b + "attn_v", d, d), output: try linear(b + "attn_out", d, d),
                norm2Weight: try vector(b + "ln2.weight", d), norm2Bias: try vector(b + "ln2.bias", d),
                up: try linear(b + (swapped ? "ffn_down" : "ffn_up"), d, f),
                down: try linear(b + (swapped ? "ffn_up" : "ffn_down"), f, d)))
        }
        self.layers = layers
        postNormWeight = try vector("v.post_ln.weight", d)
        postNormBias = try vector("v.post_ln.bias", d)
        softEmbeddingNorm = try vector("mm.soft_emb_norm.weight", d)
        inputProjection = try tensor("mm.input_projection.weight", [c.projectionDim, d])
    }

    /// The same weights (still views of the file) with every matrix product of the tower at
    /// `precision` (`VisionLinear`) and the vision-tower updates of `adapters` (those whose
    /// scale is not 0) added after the linears they update.
    func with(precision: GemmaModel.Precision, adapters: [ModelAdapter] = []) -> VisionWeights {
        var copy = self
        copy.patchEmbedding.precision = precision
        for i in copy.layers.indices {
            func set(_ linear: inout VisionLinear, _ projection: VisionProjection) {
                linear.precision = precision
                linear.adapters = adapters.compactMap { adapter in
                    guard adapter.userScale != 0, i < adapter.visionLayers.count,
                          let update = adapter.visionLayers[i][projection] else { return nil }
                    return (update, adapter.userScale)
                }
            }
            set(&copy.layers[i].q, .q)
            set(&copy.layers[i].k, .k)
            set(&copy.layers[i].v, .v)
            set(&copy.layers[i].output, .output)
            set(&copy.layers[i].up, .up)
            set(&copy.layers[i].down, .down)
        }
        return copy
    }
}
