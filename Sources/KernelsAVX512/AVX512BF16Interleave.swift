/// Packing of a matrix's transpose into bf16 weight panels (the values of the vision tower's
/// attention, `O = P·V`, where the rows of a "weight" panel are the value dimensions and the
/// pairs along it are consecutive keys).
///
/// In the panel layout a 32-bit lane holds one panel row's next two values along the row: for
/// the transpose of `V`, dimension d's values at keys 2s and 2s+1 — element d of two
/// consecutive rows of `V`. So a pair step is two source rows converted to bf16 and
/// interleaved value by value: no transpose is needed, one `vpermw` per 16 words.
#if arch(x86_64)
import _Builtin_intrinsics.intel
import CAVX512BF16

/// `out[i] = bf16(a[i]) | bf16(b[i]) << 16` for `i < count` (bf16 rounded to nearest even;
/// `b` nil: zeros in the high halves), then zero words up to `paddedCount`.
@inline(never)
public func avx512InterleaveBF16(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>?, count: Int,
                                 into out: UnsafeMutablePointer<UInt32>, paddedCount: Int) {
    precondition(paddedCount >= count, "padding is added, not cut")
    // vcvtne2ps2bf16 puts a's 16 values in the low 16 halves and b's in the high 16; the
    // permutation takes them alternately: a0 b0 a1 b1 …
    let interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0)
    let zero = _mm512_setzero_ps()
    var i = 0
    while i < count {
        let mask = mask16(count - i)
        let lo = _mm512_maskz_loadu_ps(mask, a + i)
        let hi = b.map { _mm512_maskz_loadu_ps(mask, $0 + i) } ?? zero
        _mm512_mask_storeu_epi32(out + i, mask, _mm512_permutexvar_epi16(interleave, mg_cvtne2ps_bf16(hi, lo)))
        i += 16
    }
    if paddedCount > count { (out + count).initialize(repeating: 0, count: paddedCount - count) }
}
#endif
