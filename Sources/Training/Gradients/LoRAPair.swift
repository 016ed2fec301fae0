import Kernels

/// One trainable low-rank update of a frozen projection, `y += s · B·(A·x)`: A `rank ×
/// inputs` and B `outputs × rank`, row-major f32 (PEFT's `lora_A.weight` / `lora_B.weight`),
/// and their gradients, summed over every row a batch sends through it.
///
///     t = x·Aᵀ                 dB += s · dyᵀ·t
///     y += s · t·Bᵀ            dt  = s · dy·B,   dA += dtᵀ·x,   dx += dt·A
public struct LoRAPair: Sendable {
    public let rank: Int
    public let inputs: Int
    public let outputs: Int
    /// alpha / rank (alpha / √rank with rsLoRA).
    public let scale: Float
    public var a: [Float]
    public var b: [Float]
    public var gradientA: [Float]
    public var gradientB: [Float]

    public init(rank: Int, inputs: Int, outputs: Int, scale: Float, a: [Float], b: [Float]) {
        precondition(a.count == rank * inputs && b.count == outputs * rank, "LoRAPair: A must be rank × inputs, B outputs × rank")
        self.rank = rank
        self.inputs = inputs
        self.outputs = outputs
        self.scale = scale
        self.a = a
        self.b = b
        gradientA = Array(repeating: 0, count: a.count)
        gradientB = Array(repeating: 0, count: b.count)
    }

    mutating func zeroGradients() {
        for i in gradientA.indices { gradientA[i] = 0 }
        for i in gradientB.indices { gradientB[i] = 0 }
    }

    /// `y += s · B·(A·x)` for `n` rows; with `dropout` (LoRA dropout, PEFT's `lora_dropout`:
    /// the pair sees `x ⊙ mask`, the mask 0 or 1/(1 − p) per value) the masked input.
    func forward(_ x: [Float], rows n: Int, dropout: [Float]? = nil, into y: inout [Float]) {
        guard n > 0 else { return }
        let x = dropout.map { mask in zip(x, mask).map(*) } ?? x
        var t = [Float](repeating: 0, count: n * rank)
        sgemm(m: n, n: rank, k: inputs, a: x, lda: inputs, b: a, ldb: inputs, transposeB: true, c: &t, ldc: rank)
        for i in t.indices { t[i] *= scale }
        sgemm(m: n, n: outputs, k: rank, a: t, lda: rank, b: b, ldb: rank, transposeB: true, c: &y, ldc: outputs, accumulate: true)
    }

    /// Adds this batch's gradients of A and B from `dy`, and `dy`'s part of `dx` (through the
    /// same `dropout` mask as the forward pass).
    mutating func backward(_ x: [Float], _ dy: [Float], rows n: Int, dropout: [Float]? = nil, into dx: inout [Float]) {
        guard n > 0 else { return }
        let x = dropout.map { mask in zip(x, mask).map(*) } ?? x
        var t = [Float](repeating: 0, count: n * rank)
        sgemm(m: n, n: rank, k: inputs, a: x, lda: inputs, b: a, ldb: inputs, transposeB: true, c: &t, ldc: rank)
        for i in t.indices { t[i] *= scale }
        sgemm(m: outputs, n: rank, k: n, a: dy, lda: outputs, transposeA: true, b: t, ldb: rank, transposeB: false,
              c: &gradientB, ldc: rank, accumulate: true)
        var dt = [Float](repeating: 0, count: n * rank)
        sgemm(m: n, n: rank, k: outputs, a: dy, lda: outputs, b: b, ldb: rank, transposeB: false, c: &dt, ldc: rank)
        for i in dt.indices { dt[i] *= scale }
        sgemm(m: rank, n: inputs, k: n, a: dt, lda: rank, transposeA: true, b: x, ldb: inputs, transposeB: false,
              c: &gradientA, ldc: inputs, accumulate: true)
        guard let mask = dropout else {
            sgemm(m: n, n: inputs, k: rank, a: dt, lda: rank, b: a, ldb: inputs, transposeB: false, c: &dx, ldc: inputs, accumulate: true)
            return
        }
        var masked = [Float](repeating: 0, count: n * inputs)
        sgemm(m: n, n: inputs, k: rank, a: dt, lda: rank, b: a, ldb: inputs, transposeB: false, c: &masked, ldc: inputs)
        for i in masked.indices { dx[i] += masked[i] * mask[i] }
    }
}
