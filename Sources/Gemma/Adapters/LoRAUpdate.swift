import Kernels

/// One projection's low-rank update (LoRA, Hu et al. 2021): `ΔW · x = scale · B · (A · x)`,
/// A `rank × inputs` and B `outputs × rank`, row-major f32 — the weights stay as they are
/// and the update is added after their product, as llama.cpp's `build_lora_mm` does.
public struct LoRAUpdate: Sendable {
    public let a: [Float]
    public let b: [Float]
    public let rank: Int
    public let inputs: Int
    public let outputs: Int
    /// alpha / rank (alpha / √rank with rsLoRA; 1 when the file gives no alpha), before the
    /// user's scale.
    public let scale: Float

    public init(a: [Float], b: [Float], rank: Int, inputs: Int, outputs: Int, scale: Float) {
        precondition(rank > 0 && a.count == rank * inputs && b.count == outputs * rank, "LoRAUpdate: A must be rank × inputs and B outputs × rank")
        self.a = a
        self.b = b
        self.rank = rank
        self.inputs = inputs
        self.outputs = outputs
        self.scale = scale
    }

    /// `y[i] += factor · scale · B · (A · x[i])` for `rows` rows of `x` (`inputs` wide) and
    /// `y` (`outputs` wide): two small products whose cost is the adapter's own FLOPs.
    func add(_ x: UnsafePointer<Float>, rows n: Int, factor: Float, into y: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        let t = UnsafeMutablePointer<Float>.allocate(capacity: n * rank)
        defer { t.deallocate() }
        a.withUnsafeBufferPointer { ab in
            sgemm(m: n, n: rank, k: inputs, a: x, lda: inputs, b: ab.baseAddress!, ldb: inputs, transposeB: true, c: t, ldc: rank)
        }
        let s = factor * scale
        for i in 0..<(n * rank) { t[i] *= s }
        b.withUnsafeBufferPointer { bb in
            sgemm(m: n, n: outputs, k: rank, a: t, lda: rank, b: bb.baseAddress!, ldb: rank, transposeB: true,
                  c: y, ldc: outputs, accumulate: true)
        }
    }
}
