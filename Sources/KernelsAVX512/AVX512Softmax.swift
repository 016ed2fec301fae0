/// The softmax of the vision tower's bf16 attention: one row of f32 scores in, the row's
/// weights out as bf16, ready to be the activations of `O = P·V` (`avx512BF16MatmulPanel`).
///
/// Why a kernel of its own: a 896² image has 16 heads × 4096 queries × 4096 keys per layer,
/// 27 layers — 7.2 billion exponentials, which the portable `softmaxWeights` (scalar
/// `fastExp`, auto-vectorised to SSE at best) spent about a fifth of an image on. Here the
/// exponential is 16 lanes wide with `vscalefps` building 2^n (no clamping or exponent bit
/// tricks needed), and the conversion to bf16 and the sum happen in the same pass.
#if arch(x86_64)
import _Builtin_intrinsics.intel
import CAVX512BF16

/// `out[j] = bf16(exp(scale·(s[j] − max s)))` for `j < count` (rounded to nearest even), zeros
/// up to `paddedCount`; returns 1 / Σ of the rounded weights, so that dividing the weighted
/// sum of values by it gives weights that sum to exactly 1 as they are used.
///
/// The exponential: `2^t` with `t = (s − max)·scale·log2(e)` computed by one FMA, split into
/// the nearest integer n and f ∈ [−½, ½]; `2^f` by a degree-5 polynomial (relative error
/// ~2e-7, far below bf16's 2⁻⁸), scaled by 2^n with `vscalefps`.
@inline(never)
public func avx512SoftmaxToBF16(_ s: UnsafePointer<Float>, count n: Int, scale: Float,
                                into out: UnsafeMutablePointer<UInt16>, paddedCount: Int) -> Float {
    precondition(n > 0 && paddedCount >= n, "softmax: \(n) scores into \(paddedCount)")
    // The maximum, four chains deep.
    let negativeInfinity = _mm512_set1_ps(-.infinity)
    var m0 = negativeInfinity, m1 = negativeInfinity, m2 = negativeInfinity, m3 = negativeInfinity
    var i = 0
    while i + 64 <= n {
        m0 = _mm512_max_ps(m0, _mm512_loadu_ps(s + i))
        m1 = _mm512_max_ps(m1, _mm512_loadu_ps(s + i + 16))
        m2 = _mm512_max_ps(m2, _mm512_loadu_ps(s + i + 32))
        m3 = _mm512_max_ps(m3, _mm512_loadu_ps(s + i + 48))
        i += 64
    }
    while i < n {
        m0 = _mm512_max_ps(m0, _mm512_mask_loadu_ps(negativeInfinity, mask16(n - i), s + i))
        i += 16
    }
    let maximum = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(m0, m1), _mm512_max_ps(m2, m3)))
    let c = scale * 1.442_695_04
    let multiplier = _mm512_set1_ps(c), offset = _mm512_set1_ps(-maximum * c)
    // Exponentials, rounded to bf16 and stored 32 at a time; the sum is of the rounded values.
    // `highHalves` moves half i of the 32 bf16 values into the high half of lane i (the bf16
    // value's f32), `highHalves2` halves 16…31.
    let highHalves = _mm512_set_epi16(15, 15, 14, 14, 13, 13, 12, 12, 11, 11, 10, 10, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0)
    let highHalves2 = _mm512_set_epi16(31, 31, 30, 30, 29, 29, 28, 28, 27, 27, 26, 26, 25, 25, 24, 24, 23, 23, 22, 22, 21, 21, 20, 20, 19, 19, 18, 18, 17, 17, 16, 16)
    let odd: __mmask32 = 0xAAAA_AAAA
    var sum0 = _mm512_setzero_ps(), sum1 = _mm512_setzero_ps()
    @inline(__always)
    func weights(_ lo: __m512, _ hi: __m512, _ j: Int, _ mask0: __mmask16, _ mask1: __mmask16) {
        let e0 = _mm512_maskz_mov_ps(mask0, exp2(_mm512_fmadd_ps(lo, multiplier, offset)))
        let e1 = _mm512_maskz_mov_ps(mask1, exp2(_mm512_fmadd_ps(hi, multiplier, offset)))
        let rounded = mg_cvtne2ps_bf16(e1, e0)
        _mm512_mask_storeu_epi16(out + j, __mmask32(mask0) | __mmask32(mask1) << 16, rounded)
        sum0 = _mm512_add_ps(sum0, _mm512_castsi512_ps(_mm512_maskz_permutexvar_epi16(odd, highHalves, rounded)))
        sum1 = _mm512_add_ps(sum1, _mm512_castsi512_ps(_mm512_maskz_permutexvar_epi16(odd, highHalves2, rounded)))
    }
    i = 0
    while i + 32 <= n {
        weights(_mm512_loadu_ps(s + i), _mm512_loadu_ps(s + i + 16), i, 0xFFFF, 0xFFFF)
        i += 32
    }
    if i < n {
        // Lanes past the row are zero weights, adding nothing to the sum.
        let left = n - i
        weights(_mm512_maskz_loadu_ps(mask16(left), s + i), _mm512_maskz_loadu_ps(mask16(left - 16), s + i + 16),
                i, mask16(left), mask16(left - 16))
    }
    if paddedCount > n { (out + n).initialize(repeating: 0, count: paddedCount - n) }
    return 1 / _mm512_reduce_add_ps(_mm512_add_ps(sum0, sum1))
}

/// `2^t` lane by lane for t ≤ 0 (any t below −150 gives 0, as does −∞).
@inline(__always)
private func exp2(_ t: __m512) -> __m512 {
    // Below −150, 2^t is 0 in f32 even after scaling; the clamp also keeps the rounding trick
    // exact (and turns −∞ into a finite value).
    let t = _mm512_max_ps(t, _mm512_set1_ps(-150))
    // Round to the nearest integer with the 1.5·2²³ trick: after the add, the integer sits in
    // the low mantissa bits.
    let magic = _mm512_set1_ps(12_582_912)
    let n = _mm512_sub_ps(_mm512_add_ps(t, magic), magic)
    let f = _mm512_sub_ps(t, n)
    var p = _mm512_set1_ps(1.327_622_4e-3)
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(9.675_539_1e-3))
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.550_714_2e-2))
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(0.240_221_2))
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(0.693_146_94))
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.000_000_1))
    return _mm512_scalef_ps(p, n)
}
#endif
