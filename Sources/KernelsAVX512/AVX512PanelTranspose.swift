/// The interleaving step of weight-panel packing: 32 unpacked rows of 8-bit codes (row-major)
/// → the kernel's layout, where each 64-byte vector holds the next 4 codes of 16 rows.
/// Viewed as 32-bit words, that is a transpose of a 32 × (rowLength/4) matrix, done as 16 × 16
/// blocks with four butterfly stages of `vpermt2d` (64 permutes per 256 words) instead of one
/// scalar load and store per word.
#if arch(x86_64)
import _Builtin_intrinsics.intel

/// `stage`: 32 rows of `steps` 32-bit words, `stageStride` bytes apart. `panel`: for each step,
/// 32 words (rows 0…31), steps `stepBytes` apart (more than 128 where a step holds more: the
/// bf16 kernel's split panels put a second 32 words after them). `steps` may be any count;
/// whole blocks of 16 go through the vector transpose, the rest word by word.
@inline(never)
public func avx512InterleavePanel(stage: UnsafeRawPointer, stageStride: Int, steps: Int, into panel: UnsafeMutableRawPointer,
                                  stepBytes: Int = 128) {
    let whole = steps / 16 * 16
    // Index vectors of the four stages (block sizes 8, 4, 2, 1).
    let lo8 = indices(8, high: false), hi8 = indices(8, high: true)
    let lo4 = indices(4, high: false), hi4 = indices(4, high: true)
    let lo2 = indices(2, high: false), hi2 = indices(2, high: true)
    let lo1 = indices(1, high: false), hi1 = indices(1, high: true)
    withUnsafeTemporaryAllocation(of: __m512i.self, capacity: 16) { r in
        var r = r
        for half in 0..<2 {
            var s0 = 0
            while s0 < whole {
                for i in 0..<16 { r[i] = _mm512_loadu_si512(stage + (16 * half + i) * stageStride + 4 * s0) }
                butterfly(&r, 8, lo8, hi8)
                butterfly(&r, 4, lo4, hi4)
                butterfly(&r, 2, lo2, hi2)
                butterfly(&r, 1, lo1, hi1)
                for c in 0..<16 { _mm512_storeu_si512(panel + (s0 + c) * stepBytes + 64 * half, r[c]) }
                s0 += 16
            }
        }
    }
    for s in whole..<steps {
        for row in 0..<32 {
            let word = (stage + row * stageStride + 4 * s).loadUnaligned(as: UInt32.self)
            (panel + s * stepBytes + 4 * row).storeBytes(of: word, as: UInt32.self)
        }
    }
}

/// Stage `s`: rows i and i+s (bit s of i clear) exchange their off-diagonal s × s blocks.
@inline(__always)
private func butterfly(_ r: inout UnsafeMutableBufferPointer<__m512i>, _ s: Int, _ lo: __m512i, _ hi: __m512i) {
    for i in 0..<16 where i & s == 0 {
        let a = r[i], b = r[i + s]
        r[i] = _mm512_permutex2var_epi32(a, lo, b)
        r[i + s] = _mm512_permutex2var_epi32(a, hi, b)
    }
}

/// Lane c of the low result takes a[c] where bit s of c is clear, else b[c − s]; the high
/// result takes a[c + s] where it is clear, else b[c] (b's lanes are numbered 16…31).
@inline(__always)
private func indices(_ s: Int32, high: Bool) -> __m512i {
    var v = SIMD16<Int32>()
    for c in Int32(0)..<16 {
        if c & s == 0 {
            v[Int(c)] = high ? c + s : c
        } else {
            v[Int(c)] = high ? 16 + c : 16 + c - s
        }
    }
    return unsafeBitCast(v, to: __m512i.self)
}
#endif
