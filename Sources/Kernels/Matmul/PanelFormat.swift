import GGUF

/// How a weight type is laid out for the quantized matrix kernels (`QuantizedMatmul`).
///
/// Every supported type becomes the same thing: one unsigned 8-bit code per value and, per
/// group of 16 or 32 values, a Float scale `s` and either a fixed code offset `o`
/// (value = s·(code − o)) or a Float minimum `mn` (value = s·code − mn). The scales are exact:
/// an f16 super-block scale times a 6- or 8-bit sub-block scale has at most 19 significant
/// bits. So one kernel serves all formats, and the only per-format code is the unpacking.
///
/// | type | group | code | offset | minimum | activations |
/// |---|---|---|---|---|---|
/// | Q4_0 | 32 | nibble | 8 | — | Q8_0 |
/// | Q5_0 | 32 | nibble + 5th bit | 16 | — | Q8_0 |
/// | Q8_0 | 32 | byte + 128 | 128 | — | Q8_0 |
/// | Q4_1, Q5_1 | 32 | as Q4_0/Q5_0 | 0 | −m | Q8_0 |
/// | Q4_K, Q5_K | 32 | as Q4_0/Q5_0 | 0 | dmin·m_j | Q8_K |
/// | Q6_K | 16 | 6 bits | 32 | — | Q8_K |
///
/// Activations are quantized exactly as for the mat-vec (llama.cpp's pairing, Q8_0 or Q8_K),
/// except that Q4_1/Q5_1 take Q8_0 codes with an f32 block sum instead of Q8_1's f16 one.
public struct PanelFormat: Sendable, Equatable {
    public let type: GGMLType
    /// Values per scale.
    public let groupSize: Int
    /// Subtracted from every code (0 where the format has a Float minimum instead).
    public let offset: Int32
    public let hasMins: Bool
    /// The ggml activation quantizer whose codes and scales the kernels use.
    public let activations: ActivationFormat

    /// The panel layout of `type`, or nil where the kernels don't take it (F32/F16/BF16 and
    /// the 2- and 3-bit K-quants go through dequantization and sgemm).
    public init?(_ type: GGMLType) {
        self.type = type
        switch type {
        case .q4_0: (groupSize, offset, hasMins, activations) = (32, 8, false, .q8_0)
        case .q5_0: (groupSize, offset, hasMins, activations) = (32, 16, false, .q8_0)
        case .q8_0: (groupSize, offset, hasMins, activations) = (32, 128, false, .q8_0)
        case .q4_1, .q5_1: (groupSize, offset, hasMins, activations) = (32, 0, true, .q8_0)
        case .q4_K, .q5_K: (groupSize, offset, hasMins, activations) = (32, 0, true, .q8_K)
        case .q6_K: (groupSize, offset, hasMins, activations) = (16, 32, false, .q8_K)
        case .f32, .f16, .bf16, .q2_K, .q3_K, .q8_1, .q8_K: return nil
        }
    }

    /// Whether two code·activation products always fit an Int16 (codes ≤ 128), as the AVX2
    /// kernel's `vpmaddubsw` needs; Q8_0's codes (byte + 128) don't, so AVX2 leaves it to sgemm.
    public var fitsInt16Pairs: Bool { offset != 128 }

    /// Rows per packed panel: two 16-lane vectors.
    public static let panelRows = 32
}
