/// Unpacking of the two formats that carry MedGemma's Q4_K_M files (Q4_K, Q6_K) into one
/// 8-bit code per value, 64 values per instruction group, for weight-panel packing. Same
/// codes as `Kernels.WeightPanel`'s portable unpacking (the tests hold them together).
#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Lanes 0–3 of `a` then lanes 0–3 of `b` (64-bit lanes), and lanes 4–7 of each.
@inline(__always)
private func lowHalves(_ a: __m512i, _ b: __m512i) -> __m512i {
    _mm512_permutex2var_epi64(a, _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0), b)
}

@inline(__always)
private func highHalves(_ a: __m512i, _ b: __m512i) -> __m512i {
    _mm512_permutex2var_epi64(a, _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4), b)
}

/// Q4_K codes of `blocks` super-blocks (144 bytes each; nibbles at 16…143) → `out`: per
/// 32-byte chunk, its low nibbles are values 0–31 and its high nibbles 32–63 of that 64.
@inline(never)
public func avx512UnpackQ4KCodes(_ w: UnsafeRawPointer, blocks: Int, into out: UnsafeMutableRawPointer) {
    let low4 = _mm512_set1_epi8(0x0F)
    for b in 0..<blocks {
        let q = w + 144 * b + 16, o = out + 256 * b
        for half in 0..<2 {
            let v = _mm512_loadu_si512(q + 64 * half)
            let lo = _mm512_and_si512(v, low4), hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low4)
            _mm512_storeu_si512(o + 128 * half, lowHalves(lo, hi))
            _mm512_storeu_si512(o + 128 * half + 64, highHalves(lo, hi))
        }
    }
}

/// Q6_K codes (0…63) of `blocks` super-blocks (210 bytes: ql[128] at 0, qh[64] at 128) →
/// `out`. Per half h of 128 values and l < 32: value l is ql[l] low | qh[l] bits 0–1,
/// l+32 is ql[l+32] low | bits 2–3, l+64 is ql[l] high | bits 4–5, l+96 ql[l+32] high | bits 6–7.
@inline(never)
public func avx512UnpackQ6KCodes(_ w: UnsafeRawPointer, blocks: Int, into out: UnsafeMutableRawPointer) {
    let low4 = _mm512_set1_epi8(0x0F), two = _mm512_set1_epi8(0x30)
    for b in 0..<blocks {
        let x = w + 210 * b, o = out + 256 * b
        for h in 0..<2 {
            let ql = _mm512_loadu_si512(x + 64 * h)          // ql[0..<64] of this half
            let qh256 = _mm256_loadu_si256((x + 128 + 32 * h).assumingMemoryBound(to: __m256i.self))
            let qh = _mm512_broadcast_i64x4(qh256)   // qh[l] in both halves
            // Values 0–63: low nibbles of ql[0..<64]; bits (0–1 for l < 32, 2–3 for l ≥ 32) of qh[l % 32].
            let shiftLow = _mm512_set_epi64(2, 2, 2, 2, 0, 0, 0, 0)
            let first = _mm512_or_si512(_mm512_and_si512(ql, low4),
                                        _mm512_and_si512(_mm512_sllv_epi64(_mm512_srlv_epi64(qh, shiftLow), _mm512_set1_epi64(4)), two))
            // Values 64–127: high nibbles of ql; bits 4–5 (l < 32) or 6–7 (l ≥ 32) of qh.
            let shiftHigh = _mm512_set_epi64(6, 6, 6, 6, 4, 4, 4, 4)
            let second = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), low4),
                                         _mm512_and_si512(_mm512_sllv_epi64(_mm512_srlv_epi64(qh, shiftHigh), _mm512_set1_epi64(4)), two))
            _mm512_storeu_si512(o + 128 * h, first)
            _mm512_storeu_si512(o + 128 * h + 64, second)
        }
    }
}
#endif
