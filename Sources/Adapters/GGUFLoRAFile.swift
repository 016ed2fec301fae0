import GGUF
import Kernels
import Support

/// A LoRA adapter as llama.cpp writes it (`convert_lora_to_gguf.py`): `general.type =
/// adapter`, `adapter.type = lora`, `adapter.lora.alpha`, and per updated projection two
/// tensors `blk.N.<name>.weight.lora_a` (ne `[in, r]`: A, r rows of `in`) and `.lora_b` (ne
/// `[r, out]`: B, out rows of r), in F32, F16, BF16 or Q8_0.
///
/// Every tensor must be placed: one that is not a LoRA matrix of a decoder projection
/// (an embedding or output LoRA, a vision tensor, a stray name) is refused by name, and an
/// A without its B (or the reverse) too — nothing in an adapter is ignored silently.
public struct GGUFLoRAFile: Sendable {
    public struct Pair: Sendable {
        public let layer: Int
        /// The projection's GGUF name: attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down.
        public let projection: String
        public let rank: Int
        public let inputs: Int
        public let outputs: Int
        /// Row-major `rank × inputs`.
        public let a: [Float]
        /// Row-major `outputs × rank`.
        public let b: [Float]
    }

    public let path: String
    /// `adapter.lora.alpha`; llama.cpp scales by alpha / rank, or by 1 when it is 0.
    public let alpha: Float
    public let pairs: [Pair]

    public static let projections: Set<String> = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]

    public init(path: String) throws(GGUFError) {
        let file = try GGUFFile(path: path, residency: .memoryIfItFits)
        try self.init(file: file)
    }

    public init(file: GGUFFile) throws(GGUFError) {
        path = file.path
        func fail(_ reason: String, key: String = "adapter") -> GGUFError {
            GGUFError(file: file.path, .invalidValue(key: key, reason: reason))
        }
        let type = try file.metadata.string("general.type")
        guard type == "adapter" else {
            throw fail("not a LoRA adapter: general.type is \(type.map { "'\($0)'" } ?? "missing"), not 'adapter'", key: "general.type")
        }
        let kind = try file.metadata.string("adapter.type")
        guard kind == "lora" else {
            throw fail("adapter.type is \(kind.map { "'\($0)'" } ?? "missing"); only 'lora' adapters are read", key: "adapter.type")
        }
        let alphaValue = try file.metadata.float("adapter.lora.alpha") ?? 0
        guard alphaValue.isFinite, alphaValue >= 0 else { throw fail("adapter.lora.alpha is \(alphaValue)", key: "adapter.lora.alpha") }
        alpha = Float(alphaValue)

        var halves: [String: (a: GGUFTensor?, b: GGUFTensor?)] = [:]
        for info in file.tensorInfos {
            let name = info.name
            let isA = name.hasSuffix(".weight.lora_a"), isB = name.hasSuffix(".weight.lora_b")
            guard isA || isB else { throw fail("tensor '\(name)' is not a LoRA matrix (…weight.lora_a / .lora_b)", key: name) }
            let base = String(name.dropLast(".lora_a".count))
            guard let tensor = file.tensor(named: name) else { throw fail("tensor '\(name)' cannot be read", key: name) }
            guard [.f32, .f16, .bf16, .q8_0].contains(tensor.type) else {
                throw fail("tensor '\(name)' is \(tensor.type.name); LoRA matrices are read in F32, F16, BF16 or Q8_0", key: name)
            }
            if isA { halves[base, default: (nil, nil)].a = tensor } else { halves[base, default: (nil, nil)].b = tensor }
        }
        var pairs: [Pair] = []
        for (base, half) in halves.sorted(by: { $0.key < $1.key }) {
            guard let a = half.a, let b = half.b else {
                throw fail("'\(base).lora_\(half.a == nil ? "b" : "a")' has no '\(base).lora_\(half.a == nil ? "a" : "b")'", key: base)
            }
            let parts = base.split(separator: ".")
            guard parts.count == 4, parts[0] == "blk", let layer = Int(parts[1]), layer >= 0, parts[3] == "weight",
                  Self.projections.contains(String(parts[2])) else {
                throw fail("'\(base)' is not a projection of a Gemma 3 decoder layer; this adapter cannot be placed", key: base)
            }
            guard a.shape.count == 2, b.shape.count == 2, a.shape[1] == b.shape[0], a.shape[1] > 0 else {
                throw fail("'\(base)': lora_a is \(a.shape) and lora_b \(b.shape) (ne); expected [in, r] and [r, out]", key: base)
            }
            let rank = a.shape[1], inputs = a.shape[0], outputs = b.shape[1]
            pairs.append(Pair(layer: layer, projection: String(parts[2]), rank: rank, inputs: inputs, outputs: outputs,
                              a: Self.floats(a), b: Self.floats(b)))
        }
        guard !pairs.isEmpty else { throw fail("the adapter holds no LoRA matrices") }
        self.pairs = pairs
    }

    /// Every row of a 2-D tensor as f32, row after row.
    private static func floats(_ t: GGUFTensor) -> [Float] {
        var out = [Float](repeating: 0, count: t.info.rowCount * t.info.rowLength)
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<t.info.rowCount {
                dequantize(t.type, t.row(r), into: UnsafeMutableBufferPointer(rebasing: o[(r * t.info.rowLength)..<((r + 1) * t.info.rowLength)]))
            }
        }
        return out
    }
}
