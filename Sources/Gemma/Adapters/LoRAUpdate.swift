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
    /// `y` (`outputs` wide): two small products whose cost is the adapter's own FLOPs. A
    /// batch's rows are split over the cores (OpenBLAS runs single-threaded here); a
    /// decode row takes plain loops, cheaper than two BLAS calls for so little work.
    func add(_ x: UnsafePointer<Float>, rows n: Int, factor: Float, into y: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        let s = factor * scale
        if n == 1 { return addRow(x, factor: s, into: y) }
        let (xp, yp) = (UnsafeMutableRawPointer(mutating: x), UnsafeMutableRawPointer(y))
        forEachRowRange(n) { rows in
            let x = xp.assumingMemoryBound(to: Float.self) + rows.lowerBound * inputs
            let y = yp.assumingMemoryBound(to: Float.self) + rows.lowerBound * outputs
            let t = UnsafeMutablePointer<Float>.allocate(capacity: rows.count * rank)
            defer { t.deallocate() }
            a.withUnsafeBufferPointer { ab in
                sgemm(m: rows.count, n: rank, k: inputs, a: x, lda: inputs, b: ab.baseAddress!, ldb: inputs, transposeB: true, c: t, ldc: rank)
            }
            for i in 0..<(rows.count * rank) { t[i] *= s }
            b.withUnsafeBufferPointer { bb in
                sgemm(m: rows.count, n: outputs, k: rank, a: t, lda: rank, b: bb.baseAddress!, ldb: rank, transposeB: true,
                      c: y, ldc: outputs, accumulate: true)
            }
        }
    }

    /// One row: `t = s · A·x` (rank dot products), then `y += B·t`.
    private func addRow(_ x: UnsafePointer<Float>, factor s: Float, into y: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rank) { t in
            a.withUnsafeBufferPointer { ab in
                for r in 0..<rank {
                    var sum: Float = 0
                    let row = ab.baseAddress! + r * inputs
                    for i in 0..<inputs { sum += row[i] * x[i] }
                    t[r] = s * sum
                }
            }
            b.withUnsafeBufferPointer { bb in
                for o in 0..<outputs {
                    var sum: Float = 0
                    let row = bb.baseAddress! + o * rank
                    for r in 0..<rank { sum += row[r] * t[r] }
                    y[o] += sum
                }
            }
        }
    }
}
