import GGUF

/// Which kernel implementation runs on this CPU, for `bench`, `info --system` and the status bar.
public enum KernelBackend {
    public static var name: String {
        switch KernelPath.active {
        case .avx512vnni: return "AVX-512 VNNI"
        case .avxvnni: return "AVX-VNNI"
        case .avx2: return "AVX2"
        case .portable: return "portable SIMD"
        }
    }
}

extension KernelBackend {
    /// What runs where on the active path, one line per kind of work, for `info --system`.
    public static var workDescription: [(work: String, kernel: String)] {
        let batched = GGMLType.allCases.filter { quantizedMatmulSupports($0) }.map(\.name)
        let decode: String
        switch KernelPath.active {
        case .avx512vnni: decode = "AVX-512 BW integer dot products on the stored Q4_K and Q6_K blocks, AVX2 on the others"
        case .avxvnni, .avx2: decode = "AVX2 integer dot products on the stored blocks"
        case .portable: decode = "portable Swift integer dot products on the stored blocks"
        }
        let prompt = batched.isEmpty
            ? "weights dequantized to f32, OpenBLAS sgemm"
            : "\(name) int8 matrix kernels (\(batched.joined(separator: ", "))); other types dequantized to f32, OpenBLAS sgemm"
        let bf16 = GGMLType.allCases.filter { bf16MatmulSupports($0) }.map(\.name)
        let vision = (batched.isEmpty ? "" : "\(name) int8 matrix kernels for \(batched.joined(separator: ", ")); ")
            + (bf16.isEmpty ? "" : "AVX-512 BF16 (vdpbf16ps) for \(bf16.joined(separator: ", ")); ")
            + (batched.isEmpty && bf16.isEmpty ? "f32, OpenBLAS sgemm" : "others f32, OpenBLAS sgemm")
        return [
            ("decode (one token)", decode),
            ("prompt batches", prompt),
            ("attention", bf16.isEmpty ? "f32, OpenBLAS sgemm"
                : "text: f32, OpenBLAS sgemm; vision tower (F16/BF16/Q8_0 towers): AVX-512 BF16 (vdpbf16ps)"),
            ("vision tower", vision),
        ]
    }
}
