/// AVX2 dot products of the 32-value block formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) with
/// Q8_0 / Q8_1 activations. Per block: one exact 32-lane integer product; then
/// `sum += (d_w·d_a)·Float(isum)` (plus `m·s` for the Q*_1 formats, with the activation
/// block's stored f16 sum `s`, as llama.cpp does), the portable kernels' expressions.
/// Activation blocks: Q8_0 = d f16 at 0, qs at 2 (34 bytes); Q8_1 = d at 0, s at 2, qs at 4.
#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Q8_0 weights: d f16 at 0, qs[32] i8 at 2 (34 bytes).
@inline(__always)
func rowQ8_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ ad: UnsafePointer<Float>, blocks: Int) -> Float {
    sumOfBlocks(blocks, { b in
        dotSigned(load256(w + 34 * b + 2), load256(a + 34 * b + 2))
    }, { b, s in
        (f16(w + 34 * b) * ad[b]) * s
    })
}

/// Q4_0 weights: d f16 at 0, qs[16] at 2 (18 bytes); value = nibble − 8.
@inline(__always)
func rowQ4_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ ad: UnsafePointer<Float>, blocks: Int) -> Float {
    let eight = _mm256_set1_epi8(8)
    return sumOfBlocks(blocks, { b in
        dotSigned(_mm256_sub_epi8(splitNibbles(w + 18 * b + 2), eight), load256(a + 34 * b + 2))
    }, { b, s in
        (f16(w + 18 * b) * ad[b]) * s
    })
}

/// Q5_0 weights: d f16 at 0, qh u32 at 2, qs[16] at 6 (22 bytes); value = (nibble | bit<<4) − 16,
/// formed as nibble | 0xF0 (i.e. nibble − 16 as a signed byte) where the fifth bit is clear.
@inline(__always)
func rowQ5_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ ad: UnsafePointer<Float>, blocks: Int) -> Float {
    let highNibble = _mm256_set1_epi8(-16) // 0xF0
    return sumOfBlocks(blocks, { b in
        let x = w + 22 * b
        let q = _mm256_or_si256(splitNibbles(x + 6), _mm256_andnot_si256(spreadBits(u32(x + 2)), highNibble))
        return dotSigned(q, load256(a + 34 * b + 2))
    }, { b, s in
        (f16(w + 22 * b) * ad[b]) * s
    })
}

/// Q4_1 weights: d f16 at 0, m f16 at 2, qs[16] at 4 (20 bytes); value = d·nibble + m.
@inline(__always)
func rowQ4_1(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    sumOfBlocks(blocks, { b in
        dotUnsigned(splitNibbles(w + 20 * b + 4), load256(a + 36 * b + 4))
    }, { b, s in
        let x = w + 20 * b, y = a + 36 * b
        return (f16(x) * f16(y)) * s + f16(x + 2) * f16(y + 2)
    })
}

/// Q5_1 weights: d f16 at 0, m f16 at 2, qh u32 at 4, qs[16] at 8 (24 bytes);
/// value = d·(nibble | bit<<4) + m.
@inline(__always)
func rowQ5_1(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    let bit4 = _mm256_set1_epi8(0x10)
    return sumOfBlocks(blocks, { b in
        let x = w + 24 * b
        let q = _mm256_or_si256(splitNibbles(x + 8), _mm256_and_si256(spreadBits(u32(x + 4)), bit4))
        return dotUnsigned(q, load256(a + 36 * b + 4))
    }, { b, s in
        let x = w + 24 * b, y = a + 36 * b
        return (f16(x) * f16(y)) * s + f16(x + 2) * f16(y + 2)
    })
}

// MARK: Entry points: `out[r] = row r · a` for `rows` rows `rowBytes` apart.

/// The f16 scales of the activation blocks as Floats (the same values), converted once for
/// all rows of a call.
@inline(__always)
func withActivationScales(_ a: UnsafeRawPointer, blockBytes: Int, blocks: Int, _ body: (UnsafePointer<Float>) -> Void) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: max(blocks, 1)) { scales in
        for b in 0..<blocks { scales[b] = f16(a + blockBytes * b) }
        body(UnsafePointer(scales.baseAddress!))
    }
}

@inline(never)
public func avx2DotRowsQ8_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    withActivationScales(a, blockBytes: 34, blocks: blocks) { ad in
        for r in 0..<rows { out[r] = rowQ8_0(w + r * rowBytes, a, ad, blocks: blocks) }
    }
}

@inline(never)
public func avx2DotRowsQ4_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    withActivationScales(a, blockBytes: 34, blocks: blocks) { ad in
        for r in 0..<rows { out[r] = rowQ4_0(w + r * rowBytes, a, ad, blocks: blocks) }
    }
}

@inline(never)
public func avx2DotRowsQ5_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    withActivationScales(a, blockBytes: 34, blocks: blocks) { ad in
        for r in 0..<rows { out[r] = rowQ5_0(w + r * rowBytes, a, ad, blocks: blocks) }
    }
}

@inline(never)
public func avx2DotRowsQ4_1(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { out[r] = rowQ4_1(w + r * rowBytes, a, blocks: blocks) }
}

@inline(never)
public func avx2DotRowsQ5_1(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { out[r] = rowQ5_1(w + r * rowBytes, a, blocks: blocks) }
}
#endif
