import GGUF

/// The type `medgemma export` writes the projections an adapter changed in: one ggml type
/// for all of them, or `same` — each keeps the type it has in the base file.
public enum ExportType: Equatable, Sendable, CustomStringConvertible {
    case same
    case type(GGMLType)

    /// What `--type` accepts, in its help's order.
    public static let names = ["same", "f32", "f16", "bf16", "q8_0", "q6_k", "q5_0", "q4_k"]

    public init?(name: String) {
        if name == "same" { self = .same; return }
        guard Self.names.contains(name), let t = GGMLType.quantizable.first(where: { $0.name.lowercased() == name }) else { return nil }
        self = .type(t)
    }

    public var description: String {
        switch self {
        case .same: return "same"
        case .type(let t): return t.name.lowercased()
        }
    }

    /// llama.cpp's `LLAMA_FTYPE_*` for a file whose updated projections are all `type` (the
    /// number `general.file_type` holds; nil for `same`, which keeps the base's). Q4_K is
    /// recorded as llama.cpp's Q4_K_M (15), the mix the default model is published as.
    public var fileType: UInt32? {
        switch self {
        case .same: return nil
        case .type(let t):
            switch t {
            case .f32: return 0
            case .f16: return 1
            case .q8_0: return 7
            case .q5_0: return 8
            case .q4_K: return 15
            case .q6_K: return 18
            case .bf16: return 32
            default: return nil
            }
        }
    }

    /// The type an updated tensor is written in. A row length that is not whole blocks of the
    /// wanted type falls back as `llama-quantize` does (`tensor_type_fallback`): Q4_K to Q5_0,
    /// Q6_K to Q8_0, and to F16 when even that does not fit. nil: `same` on a type this
    /// engine cannot quantize to.
    public func type(for info: GGUFTensorInfo) -> GGMLType? {
        switch self {
        case .same:
            return info.type.isQuantizable ? info.type : nil
        case .type(let wanted):
            guard info.rowLength % wanted.blockSize != 0 else { return wanted }
            let fallback: GGMLType = wanted == .q4_K ? .q5_0 : wanted == .q6_K ? .q8_0 : wanted
            return info.rowLength % fallback.blockSize == 0 ? fallback : .f16
        }
    }
}
