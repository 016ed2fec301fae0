/// The AVX-512 VNNI micro-kernel of the quantized matrix product that carries prompt
/// processing: 32 weight rows × 4 tokens at a time, `vpdpbusd` on unsigned 8-bit weight
/// codes and signed 8-bit activation codes.
///
/// This whole module is compiled with AVX-512 F/BW/VL/DQ/VNNI/BF16 enabled, so nothing in it
/// may run before `Kernels` has checked the CPU (`CPUFeatures.avx512VNNI`). Entry points are
/// plain functions over raw pointers; nothing is generic or `@inlinable`.
///
/// Operands (laid out by `Kernels`' `WeightPanel` and `MatmulActivations`; docs/KERNELS.md):
/// - weight codes of a 32-row panel: for every 4 values of the row length, 32 rows × 4
///   bytes — one step is two 64-byte vectors whose 32-bit lane r holds row r's 4 codes;
/// - per group of 16 or 32 values and row: a Float scale `s` and, for formats with a
///   minimum, a Float `mn` (value = s·code − mn, or s·(code − offset));
/// - activations per token: signed codes, and per group the activation scale `d` (shared
///   by the `scaleSpan` groups of one activation block: 1 for Q8_0, 8 or 16 for Q8_K), the
///   integer `−offset·Σa` the group's integer sum starts from, and `Σa` as a Float.
/// Per activation block and (row, token):
/// `acc += d · Σ_groups (s·(−offset·Σa + Σ code·a) − mn·Σa)`, so the activation scale is
/// applied once per block rather than once per group.
#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The activation operand of `avx512MatmulPanel`: `tokens` rows (a multiple of 4) with
/// their per-group numbers, `groups` apart.
public struct MatmulTokenRows {
    public let codes: UnsafePointer<Int8>
    public let codeStride: Int
    public let scales: UnsafePointer<Float>
    public let offsetSums: UnsafePointer<Int32>
    public let codeSums: UnsafePointer<Float>
    public let groupStride: Int
    public let tokens: Int

    public init(codes: UnsafePointer<Int8>, codeStride: Int, scales: UnsafePointer<Float>,
                offsetSums: UnsafePointer<Int32>, codeSums: UnsafePointer<Float>, groupStride: Int, tokens: Int) {
        self.codes = codes
        self.codeStride = codeStride
        self.scales = scales
        self.offsetSums = offsetSums
        self.codeSums = codeSums
        self.groupStride = groupStride
        self.tokens = tokens
    }
}

/// `out[t][r] = Σ_k W[r][k]·X[t][k]` for the 32 rows of one packed panel and every token of
/// `x`, written to `output + t·outputStride + r` for `t < validTokens`, `r < validRows`.
@inline(never)
public func avx512MatmulPanel(codes: UnsafeRawPointer, scales: UnsafePointer<Float>, mins: UnsafePointer<Float>?,
                              groups: Int, groupSize: Int, scaleSpan: Int, x: MatmulTokenRows, validTokens: Int,
                              output: UnsafeMutablePointer<Float>, outputStride: Int, validRows: Int) {
    precondition(groupSize == 16 || groupSize == 32, "groups of 16 or 32 values")
    precondition(x.tokens % 4 == 0, "tokens padded to a multiple of 4")
    precondition(scaleSpan > 0 && groups % scaleSpan == 0, "whole activation blocks")
    let mask0: __mmask16 = validRows >= 16 ? 0xFFFF : __mmask16((1 << validRows) - 1)
    let mask1: __mmask16 = validRows >= 32 ? 0xFFFF : validRows <= 16 ? 0 : __mmask16((1 << (validRows - 16)) - 1)
    var t = 0
    while t < x.tokens {
        let out = Tile(output: output + t * outputStride, stride: outputStride,
                       tokens: min(4, validTokens - t), mask0: mask0, mask1: mask1)
        switch (groupSize, mins) {
        case (32, nil): tile(codes, scales, nil, groups, steps: 8, span: scaleSpan, x, t, out)
        case (32, let m?): tile(codes, scales, m, groups, steps: 8, span: scaleSpan, x, t, out)
        case (_, nil): tile(codes, scales, nil, groups, steps: 4, span: scaleSpan, x, t, out)
        case (_, let m?): tile(codes, scales, m, groups, steps: 4, span: scaleSpan, x, t, out)
        }
        t += 4
    }
}

/// Where one 32 × 4 result tile goes.
struct Tile {
    let output: UnsafeMutablePointer<Float>
    let stride: Int
    let tokens: Int
    let mask0: __mmask16
    let mask1: __mmask16
}

@inline(__always)
private func load(_ p: UnsafeRawPointer) -> __m512i { _mm512_loadu_si512(p) }

@inline(__always)
private func broadcast(_ p: UnsafePointer<Int8>) -> __m512i {
    _mm512_set1_epi32(UnsafeRawPointer(p).loadUnaligned(as: Int32.self))
}

/// One 32-row × 4-token tile over the whole row length: `steps` = group size / 4.
/// Eight integer accumulators (2 row vectors × 4 tokens) restart at each group; eight Float
/// accumulators collect one activation block (`span` groups); the running sums live in a
/// small tile in memory, written out at the end.
@inline(__always)
private func tile(_ codes: UnsafeRawPointer, _ scales: UnsafePointer<Float>, _ mins: UnsafePointer<Float>?,
                  _ groups: Int, steps: Int, span: Int, _ x: MatmulTokenRows, _ t: Int, _ out: Tile) {
    let a0 = x.codes + t * x.codeStride, a1 = a0 + x.codeStride, a2 = a1 + x.codeStride, a3 = a2 + x.codeStride
    let g0 = t * x.groupStride, g1 = g0 + x.groupStride, g2 = g1 + x.groupStride, g3 = g2 + x.groupStride
    var r00 = _mm512_setzero_ps(), r01 = _mm512_setzero_ps(), r02 = _mm512_setzero_ps(), r03 = _mm512_setzero_ps()
    var r10 = _mm512_setzero_ps(), r11 = _mm512_setzero_ps(), r12 = _mm512_setzero_ps(), r13 = _mm512_setzero_ps()
    var w = codes
    var k = 0
    var g = 0
    while g < groups {
        var f00 = _mm512_setzero_ps(), f01 = _mm512_setzero_ps(), f02 = _mm512_setzero_ps(), f03 = _mm512_setzero_ps()
        var f10 = _mm512_setzero_ps(), f11 = _mm512_setzero_ps(), f12 = _mm512_setzero_ps(), f13 = _mm512_setzero_ps()
        for _ in 0..<span {
            // The group's integer sums start from −offset·Σa (0 for formats with a Float minimum).
            let o0 = _mm512_set1_epi32(x.offsetSums[g0 + g]), o1 = _mm512_set1_epi32(x.offsetSums[g1 + g])
            let o2 = _mm512_set1_epi32(x.offsetSums[g2 + g]), o3 = _mm512_set1_epi32(x.offsetSums[g3 + g])
            var i00 = o0, i01 = o1, i02 = o2, i03 = o3
            var i10 = o0, i11 = o1, i12 = o2, i13 = o3
            for _ in 0..<steps {
                let w0 = load(w), w1 = load(w + 64)
                let b0 = broadcast(a0 + k), b1 = broadcast(a1 + k), b2 = broadcast(a2 + k), b3 = broadcast(a3 + k)
                i00 = _mm512_dpbusd_epi32(i00, w0, b0)
                i10 = _mm512_dpbusd_epi32(i10, w1, b0)
                i01 = _mm512_dpbusd_epi32(i01, w0, b1)
                i11 = _mm512_dpbusd_epi32(i11, w1, b1)
                i02 = _mm512_dpbusd_epi32(i02, w0, b2)
                i12 = _mm512_dpbusd_epi32(i12, w1, b2)
                i03 = _mm512_dpbusd_epi32(i03, w0, b3)
                i13 = _mm512_dpbusd_epi32(i13, w1, b3)
                w += 128
                k += 4
            }
            let s0 = _mm512_loadu_ps(scales + 32 * g), s1 = _mm512_loadu_ps(scales + 32 * g + 16)
            f00 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i00), s0, f00)
            f10 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i10), s1, f10)
            f01 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i01), s0, f01)
            f11 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i11), s1, f11)
            f02 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i02), s0, f02)
            f12 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i12), s1, f12)
            f03 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i03), s0, f03)
            f13 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i13), s1, f13)
            if let mins {
                let m0 = _mm512_loadu_ps(mins + 32 * g), m1 = _mm512_loadu_ps(mins + 32 * g + 16)
                let e0 = _mm512_set1_ps(x.codeSums[g0 + g]), e1 = _mm512_set1_ps(x.codeSums[g1 + g])
                let e2 = _mm512_set1_ps(x.codeSums[g2 + g]), e3 = _mm512_set1_ps(x.codeSums[g3 + g])
                f00 = _mm512_fnmadd_ps(m0, e0, f00)
                f10 = _mm512_fnmadd_ps(m1, e0, f10)
                f01 = _mm512_fnmadd_ps(m0, e1, f01)
                f11 = _mm512_fnmadd_ps(m1, e1, f11)
                f02 = _mm512_fnmadd_ps(m0, e2, f02)
                f12 = _mm512_fnmadd_ps(m1, e2, f12)
                f03 = _mm512_fnmadd_ps(m0, e3, f03)
                f13 = _mm512_fnmadd_ps(m1, e3, f13)
            }
            g += 1
        }
        // The activation block's scale, once for its `span` groups.
        let first = g - span
        let d0 = _mm512_set1_ps(x.scales[g0 + first]), d1 = _mm512_set1_ps(x.scales[g1 + first])
        let d2 = _mm512_set1_ps(x.scales[g2 + first]), d3 = _mm512_set1_ps(x.scales[g3 + first])
        r00 = _mm512_fmadd_ps(f00, d0, r00)
        r10 = _mm512_fmadd_ps(f10, d0, r10)
        r01 = _mm512_fmadd_ps(f01, d1, r01)
        r11 = _mm512_fmadd_ps(f11, d1, r11)
        r02 = _mm512_fmadd_ps(f02, d2, r02)
        r12 = _mm512_fmadd_ps(f12, d2, r12)
        r03 = _mm512_fmadd_ps(f03, d3, r03)
        r13 = _mm512_fmadd_ps(f13, d3, r13)
    }
    let o = out.output
    _mm512_mask_storeu_ps(o, out.mask0, r00)
    _mm512_mask_storeu_ps(o + 16, out.mask1, r10)
    guard out.tokens > 1 else { return }
    _mm512_mask_storeu_ps(o + out.stride, out.mask0, r01)
    _mm512_mask_storeu_ps(o + out.stride + 16, out.mask1, r11)
    guard out.tokens > 2 else { return }
    _mm512_mask_storeu_ps(o + 2 * out.stride, out.mask0, r02)
    _mm512_mask_storeu_ps(o + 2 * out.stride + 16, out.mask1, r12)
    guard out.tokens > 3 else { return }
    _mm512_mask_storeu_ps(o + 3 * out.stride, out.mask0, r03)
    _mm512_mask_storeu_ps(o + 3 * out.stride + 16, out.mask1, r13)
}
#endif
