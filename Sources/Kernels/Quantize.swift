import GGUF

/// Weight quantization: Float rows → the block bytes of a ggml type, for writing model files
/// (`medgemma export` re-quantizes the projections an adapter changed).
///
/// Each format follows llama.cpp's reference quantizer (`quantize_row_*_ref` in
/// ggml-quants.c, which `llama-quantize` runs when no importance matrix is given) operation
/// for operation, in the same float evaluation order and with the same rounding (`roundf`,
/// `nearest_int`'s round-half-even, truncating casts), so the bytes are llama.cpp's bytes;
/// the tests hold them to that (Tools/make_weight_quant_fixtures.py). F16 and BF16 round to
/// nearest even, as numpy and ggml do.

extension GGMLType {
    /// The types `quantize(_:_:into:)` writes.
    public static let quantizable: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q5_0, .q4_K, .q6_K]

    public var isQuantizable: Bool { Self.quantizable.contains(self) }
}

/// Quantizes `src` (whole blocks of `type`) into `dst`, which must be exactly the bytes
/// those blocks take. `type` must be one of `GGMLType.quantizable`.
public func quantize(_ type: GGMLType, _ src: UnsafeBufferPointer<Float>, into dst: UnsafeMutableRawBufferPointer) {
    precondition(type.isQuantizable, "\(type) cannot be quantized to")
    precondition(src.count % type.blockSize == 0, "\(type): \(src.count) values are not whole blocks of \(type.blockSize)")
    let blocks = src.count / type.blockSize
    precondition(dst.count == blocks * type.blockBytes, "\(type): \(blocks) blocks take \(blocks * type.blockBytes) bytes, destination has \(dst.count)")
    guard blocks > 0, let s = src.baseAddress, let d = dst.baseAddress else { return }
    switch type {
    case .f32: d.copyMemory(from: s, byteCount: blocks * 4)
    case .f16: quantizeF16(s, count: blocks, into: d)
    case .bf16: quantizeBF16(s, count: blocks, into: d)
    case .q8_0: quantizeQ8_0(src, into: dst)
    case .q5_0: quantizeQ5_0(s, blocks: blocks, into: d)
    case .q4_K: quantizeQ4_K(s, blocks: blocks, into: d)
    case .q6_K: quantizeQ6_K(s, blocks: blocks, into: d)
    default: preconditionFailure("\(type) cannot be quantized to")
    }
}

/// Convenience: `quantize(_:_:into:)` into a new byte array.
public func quantize(_ type: GGMLType, _ src: [Float]) -> [UInt8] {
    let count = src.count / type.blockSize * type.blockBytes
    var out = [UInt8](repeating: 0, count: count)
    src.withUnsafeBufferPointer { s in
        out.withUnsafeMutableBytes { quantize(type, s, into: $0) }
    }
    return out
}
