import GGUF

/// Dequantization entry points: raw GGUF bytes of any supported type → Float.
///
/// Each block format's arithmetic lives in its family's file (`Dequantize+Float.swift`,
/// `Dequantize+Legacy.swift`, `Dequantize+KQuants.swift`). Every formula evaluates in the
/// same order as ggml's `dequantize_row_*` and gguf-py (e.g. Q4_K is `(d·sc)·q − dmin·m`,
/// never fused), so results are bit-identical to both; the tests hold them to that.

/// Dequantizes `src`, which must hold whole blocks of `type`, into `dst`, which must have
/// room for exactly the values those blocks hold.
public func dequantize(_ type: GGMLType, _ src: UnsafeRawBufferPointer, into dst: UnsafeMutableBufferPointer<Float>) {
    precondition(src.count % type.blockBytes == 0, "\(type): \(src.count) bytes is not whole blocks")
    let blocks = src.count / type.blockBytes
    precondition(dst.count == blocks * type.blockSize,
                 "\(type): \(blocks) blocks hold \(blocks * type.blockSize) values, destination has \(dst.count)")
    guard blocks > 0, let s = src.baseAddress, let d = dst.baseAddress else { return }
    switch type {
    case .f32: dequantizeF32(s, count: blocks, into: d)
    case .f16: dequantizeF16(s, count: blocks, into: d)
    case .bf16: dequantizeBF16(s, count: blocks, into: d)
    case .q4_0: dequantizeQ4_0(s, blocks: blocks, into: d)
    case .q4_1: dequantizeQ4_1(s, blocks: blocks, into: d)
    case .q5_0: dequantizeQ5_0(s, blocks: blocks, into: d)
    case .q5_1: dequantizeQ5_1(s, blocks: blocks, into: d)
    case .q8_0: dequantizeQ8_0(s, blocks: blocks, into: d)
    case .q8_1: dequantizeQ8_1(s, blocks: blocks, into: d)
    case .q2_K: dequantizeQ2_K(s, blocks: blocks, into: d)
    case .q3_K: dequantizeQ3_K(s, blocks: blocks, into: d)
    case .q4_K: dequantizeQ4_K(s, blocks: blocks, into: d)
    case .q5_K: dequantizeQ5_K(s, blocks: blocks, into: d)
    case .q6_K: dequantizeQ6_K(s, blocks: blocks, into: d)
    case .q8_K: dequantizeQ8_K(s, blocks: blocks, into: d)
    }
}

/// Convenience: `dequantize(_:_:into:)` into a new array.
public func dequantize(_ type: GGMLType, _ src: UnsafeRawBufferPointer) -> [Float] {
    let count = src.count / type.blockBytes * type.blockSize
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        dequantize(type, src, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
        initialized = count
    }
}

/// Row `row` of a tensor as Float (an embedding lookup, a norm weight).
public func dequantizeRow(tensor: GGUFTensor, row: Int) -> [Float] {
    dequantize(tensor.type, tensor.row(row))
}

/// A whole tensor as Float, rows one after another.
public func dequantize(tensor: GGUFTensor) -> [Float] {
    dequantize(tensor.type, tensor.data)
}
