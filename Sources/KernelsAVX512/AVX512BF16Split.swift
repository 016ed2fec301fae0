/// F16 weights as two bf16 halves for the bf16 kernel, so that its products keep the
/// weights' full f16 precision.
///
/// Why: bf16 keeps 8 significant bits, f16 11. Rounding an F16 weight to bf16 moves it by up
/// to 2⁻⁸ of its value, and on the vision tower that rounding is nearly all of the fast
/// path's error (the tiny transformers fixture's image-prompt logits move ~0.026 with rounded
/// weights, ~0.017 with exact ones). So each F16 value w is written as hi + lo:
///
///     hi = bf16(w)        (to nearest even)
///     lo = bf16(w − hi)   — and this rounding is exact, so hi + lo = w.
///
/// Why exact: let 2^e ≤ |w| < 2^(e+1). An f16 value is a multiple of 2^(e−10) (normal
/// ones by their 11 significant bits; subnormal ones are multiples of 2⁻²⁴, and e < −14).
/// hi is w rounded to 8 significant bits, a multiple of 2^(e−7) (2^(e+1) if it rounds up), so
/// w − hi is a multiple of 2^(e−10) no larger than half a bf16 step at w's exponent, 2^(e−8):
/// at most 4·2^(e−10), at most 3 significant bits, which bf16 holds exactly (and f32
/// subtracts exactly). It is 0 or at least 2⁻²⁴, far above bf16's smallest normal 2⁻¹²⁶, so
/// the conversions' flush of tiny values never applies.
/// 8 + 8 significant bits cover f16's 11: hi + lo is every finite f16 value exactly
/// (`AVX512BF16SplitTests` checks all 63 488 of them).
///
/// The kernel then computes `w·x = hi·x + lo·x` with two `vdpbf16ps` against the same bf16
/// activation pair: each product of bf16 values is exact in f32, so only the activations'
/// rounding (and f32 summation) remains — the file's own weights, as llama.cpp's F16 path
/// uses them (it rounds the activations to f16 instead). The price is twice the
/// multiply-adds of a single bf16 product; BF16 weights are exact as they are and stay
/// single.
#if arch(x86_64)
import _Builtin_intrinsics.intel
import CAVX512BF16

/// `count` f16 values (little-endian, back to back at `h`) as `hi[i] = bf16(w)` and
/// `lo[i] = bf16(w − hi[i])` (nearest even; the second rounding is exact for finite `w`, so
/// `hi + lo = w`), then zeros in both up to `paddedCount` values. Infinities and NaNs keep
/// their value in `hi` with `lo` zero (w − hi would be NaN for an infinity).
@inline(never)
public func avx512HalvesToBF16Split(_ h: UnsafeRawPointer, count: Int,
                                    hi: UnsafeMutablePointer<UInt16>, lo: UnsafeMutablePointer<UInt16>, paddedCount: Int) {
    precondition(paddedCount >= count, "padding is added, not cut")
    // `firstHalves` moves bf16 value i of 32 into the high half of lane i (its f32 value),
    // `secondHalves` values 16…31 (as the softmax's sums in AVX512Softmax.swift).
    let firstHalves = _mm512_set_epi16(15, 15, 14, 14, 13, 13, 12, 12, 11, 11, 10, 10, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0)
    let secondHalves = _mm512_set_epi16(31, 31, 30, 30, 29, 29, 28, 28, 27, 27, 26, 26, 25, 25, 24, 24, 23, 23, 22, 22, 21, 21, 20, 20, 19, 19, 18, 18, 17, 17, 16, 16)
    let odd: __mmask32 = 0xAAAA_AAAA
    var i = 0
    while i < count {
        let left = count - i, src = h + 2 * i
        // 32 values: a = the first 16 as f32, b = the next 16 (zeros past the end).
        let a = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask16(left), src))
        let b = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask16(left - 16), src + 32))
        let high = mg_cvtne2ps_bf16(b, a)
        let ra = remainder(a, _mm512_castsi512_ps(_mm512_maskz_permutexvar_epi16(odd, firstHalves, high)))
        let rb = remainder(b, _mm512_castsi512_ps(_mm512_maskz_permutexvar_epi16(odd, secondHalves, high)))
        let mask = mask32(left)
        _mm512_mask_storeu_epi16(hi + i, mask, high)
        _mm512_mask_storeu_epi16(lo + i, mask, mg_cvtne2ps_bf16(rb, ra))
        i += 32
    }
    if paddedCount > count {
        (hi + count).initialize(repeating: 0, count: paddedCount - count)
        (lo + count).initialize(repeating: 0, count: paddedCount - count)
    }
}

/// `w − hi` (exact for finite `w`), zero where `hi` is an infinity or a NaN.
@inline(__always)
private func remainder(_ w: __m512, _ hi: __m512) -> __m512 {
    let exponent = _mm512_set1_epi32(0x7F80_0000)
    // Exponent bits not all ones: (bits & exponent) ^ exponent is nonzero.
    let rest = _mm512_xor_si512(_mm512_and_si512(_mm512_castps_si512(hi), exponent), exponent)
    let finite = _mm512_test_epi32_mask(rest, rest)
    return _mm512_maskz_sub_ps(finite, w, hi)
}
#endif
