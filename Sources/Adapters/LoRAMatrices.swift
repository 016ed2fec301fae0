/// One LoRA update, W' = W + scale · B·A: `a` is `rank × inputs` and `b` is
/// `outputs × rank`, both row-major f32 (PyTorch's `lora_A.weight` and `lora_B.weight`
/// as they are; llama.cpp's `lora_a` ne `[in, r]` is the same bytes).
public struct LoRAMatrices: Equatable, Sendable {
    public let rank: Int
    public let inputs: Int
    public let outputs: Int
    /// Row-major `rank × inputs`.
    public let a: [Float]
    /// Row-major `outputs × rank`.
    public let b: [Float]

    public init(rank: Int, inputs: Int, outputs: Int, a: [Float], b: [Float]) {
        precondition(a.count == rank * inputs && b.count == outputs * rank, "LoRA matrices of the wrong size")
        self.rank = rank
        self.inputs = inputs
        self.outputs = outputs
        self.a = a
        self.b = b
    }
}
