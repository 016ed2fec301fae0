/// The AVX-512 BF16 micro-kernel of the vision tower's matrix products (F16 and BF16
/// weights, and both products of the tower's attention): 32 weight rows × 8 tokens at a time
/// (16 × 16 on panels with at most 16 rows), `vdpbf16ps` on pairs of bf16 values accumulating
/// in f32.
///
/// Why bf16: SigLIP multiplies all ~4096 patches of an image by every weight matrix, so the
/// tower is almost all matrix product, and one `vdpbf16ps` does 32 multiply-adds where an f32
/// FMA does 16. The rounding is where the error comes from: activations keep 8 significant
/// bits (a relative step of 2⁻⁸), every product of two bf16 values is exact in f32, and the
/// sums are f32 sums. Stored weights lose nothing: BF16 ones are bf16 already, and F16 ones,
/// whose 11 bits bf16 cannot hold, come as two bf16 halves (`avx512HalvesToBF16Split`, a
/// "split" panel) at twice the multiply-adds. (The attention's keys and values are f32
/// activations, rounded like the others.) The f32 path (dequantize + sgemm) stays as the
/// exact one.
///
/// This whole module is compiled with AVX-512 F/BW/VL/DQ/VNNI/BF16 enabled, and the bf16
/// instructions come from the C header of `CAVX512BF16` (Swift cannot name their `__m512bh`
/// operands). Nothing here may run before `Kernels` has checked `CPUFeatures.avx512BF16`.
///
/// Operands (laid out by `Kernels`' `BF16WeightPanels` and `BF16Activations`):
/// - a panel of 32 weight rows: for every pair of values along the row length, 32 rows ×
///   4 bytes — one step is two 64-byte vectors whose 32-bit lane r holds row r's next two
///   bf16 values (first value in the low half); rows past the matrix and an odd row length's
///   last pair half are zero. A split panel (F16 weights, kept exact as hi + lo) has two such
///   pairs of vectors per step, the hi ones first;
/// - activations: token rows of bf16 values, `xStride` pairs apart, the row length padded
///   with zeros to whole pairs and the token count to a multiple of 8.
#if arch(x86_64)
import _Builtin_intrinsics.intel
import CAVX512BF16

/// Tokens per micro-kernel tile (two accumulators each: 16 of the 32 vector registers).
public let bf16TileTokens = 8

/// `count` floats → bf16 (round to nearest even; inputs and results below 2⁻¹²⁶ become zero,
/// as `vcvtne2ps2bf16` does), then zeros up to `paddedCount` values.
@inline(never)
public func avx512FloatsToBF16(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<UInt16>,
                               paddedCount: Int) {
    precondition(paddedCount >= count, "padding is added, not cut")
    var i = 0
    while i + 32 <= count {
        store32(mg_cvtne2ps_bf16(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(x + i)), out + i)
        i += 32
    }
    if i < count {
        let left = count - i
        let lo = _mm512_maskz_loadu_ps(mask16(left), x + i)
        let hi = _mm512_maskz_loadu_ps(mask16(left - 16), x + i + 16)
        _mm512_mask_storeu_epi16(out + i, mask32(left), mg_cvtne2ps_bf16(hi, lo))
        i = count
    }
    if paddedCount > count { (out + count).initialize(repeating: 0, count: paddedCount - count) }
}

@inline(__always)
private func store32(_ v: __m512i, _ p: UnsafeMutablePointer<UInt16>) { _mm512_storeu_si512(p, v) }

@inline(__always)
private func loadUnalignedVector(_ p: UnsafeRawPointer) -> __m512i { _mm512_loadu_si512(p) }

/// `out[t][r] = Σ_k W[r][k]·X[t][k]` for the 32 rows of one packed panel (`pairs` steps) and
/// tokens `0..<tokens` of `x` (a multiple of 8, rows `xStride` pairs apart), written to
/// `output + t·outputStride + r` for `t < validTokens`, `r < validRows`. With at most 16 valid
/// rows only the panel's low half is multiplied.
///
/// A `split` panel holds each weight as two bf16 halves, hi then lo (`avx512HalvesToBF16Split`:
/// F16 weights kept exact): a pair step is 256 bytes, the hi vectors then the lo vectors, and
/// both are multiplied by the same activation pair into the same accumulators — twice the
/// `vdpbf16ps` of a plain 128-byte step.
@inline(never)
public func avx512BF16MatmulPanel(panel: UnsafeRawPointer, split: Bool = false, pairs: Int, x: UnsafeRawPointer, xStride: Int,
                                  tokens: Int, validTokens: Int,
                                  output: UnsafeMutablePointer<Float>, outputStride: Int, validRows: Int) {
    precondition(tokens % bf16TileTokens == 0, "tokens padded to a multiple of 8")
    let mask0 = mask16(validRows), mask1 = mask16(validRows - 16)
    var t = 0
    if validRows <= 16 {
        // Only the panel's low 16 rows hold anything written: 16 rows × 16 tokens, half the
        // multiply-adds of the full tile per token (the 8 value dimensions past 64 of a
        // 72-wide attention head, the last 16 rows of a 4304-row matrix).
        while t + 16 <= tokens && t < validTokens {
            bf16HalfTile(panel, split, pairs, x + 4 * t * xStride, 4 * xStride,
                         output + t * outputStride, outputStride, min(16, validTokens - t), mask0)
            t += 16
        }
    }
    while t < tokens && t < validTokens {
        bf16Tile(panel, split, pairs, x + 4 * t * xStride, 4 * xStride,
                 output + t * outputStride, outputStride, min(bf16TileTokens, validTokens - t), mask0, mask1)
        t += bf16TileTokens
    }
}

/// One 32-row × 8-token tile over the whole row length: per pair step, two weight vectors,
/// each token's pair broadcast to all lanes, 16 `vdpbf16ps` into 16 f32 accumulators (and
/// the same again with the lo vectors of a split panel).
@inline(__always)
private func bf16Tile(_ panel: UnsafeRawPointer, _ split: Bool, _ pairs: Int, _ x: UnsafeRawPointer, _ rowBytes: Int,
                      _ o: UnsafeMutablePointer<Float>, _ stride: Int, _ tokens: Int,
                      _ mask0: __mmask16, _ mask1: __mmask16) {
    let a0 = x, a1 = a0 + rowBytes, a2 = a1 + rowBytes, a3 = a2 + rowBytes
    let a4 = a3 + rowBytes, a5 = a4 + rowBytes, a6 = a5 + rowBytes, a7 = a6 + rowBytes
    var c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c02 = _mm512_setzero_ps(), c03 = _mm512_setzero_ps()
    var c04 = _mm512_setzero_ps(), c05 = _mm512_setzero_ps(), c06 = _mm512_setzero_ps(), c07 = _mm512_setzero_ps()
    var c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps(), c12 = _mm512_setzero_ps(), c13 = _mm512_setzero_ps()
    var c14 = _mm512_setzero_ps(), c15 = _mm512_setzero_ps(), c16 = _mm512_setzero_ps(), c17 = _mm512_setzero_ps()
    /// The 16 multiply-adds of one pair step `k` (bytes into each token row) with the two
    /// weight vectors at `w`.
    @inline(__always)
    func step(_ w: UnsafeRawPointer, _ k: Int) {
        let w0 = loadUnalignedVector(w), w1 = loadUnalignedVector(w + 64)
        var b = _mm512_set1_epi32(a0.loadUnaligned(fromByteOffset: k, as: Int32.self))
        c00 = mg_dpbf16(c00, w0, b)
        c10 = mg_dpbf16(c10, w1, b)
        b = _mm512_set1_epi32(a1.loadUnaligned(fromByteOffset: k, as: Int32.self))
        c01 = mg_dpbf16(c01, w0, b)
        c11 = mg_dpbf16(c11, w1, b)
        b = _mm512_set1_epi32(a2.loadUnaligned(fromByteOffset: k, as: Int32.self))
        c02 = mg_dpbf16(c02, w0, b)
        c12 = mg_dpbf16(c12, w1, b)
        b = _mm512_set1_epi32(a3.loadUnaligned(fromByteOffset: k, as: Int32.self))
        c03 = mg_dpbf16(c03, w0, b)
        c13 = mg_dpbf16(c13, w1, b)
        b = _mm512_set1_epi32(a4.loadUnaligned(fromByteOffset: k, as: Int32.self))
        c04 = mg_dpbf16(c04, w0, b)
        c14 = mg_dpbf16(c14, w1, b)
        b = _mm512_set1_epi32(a5.loadUnaligned(fromByteOffset: k, as: Int32.self))
        c05 = mg_dpbf16(c05, w0, b)
        c15 = mg_dpbf16(c15, w1, b)
        b = _mm512_set1_epi32(a6.loadUnaligned(fromByteOffset: k, as: Int32.self))
        c06 = mg_dpbf16(c06, w0, b)
        c16 = mg_dpbf16(c16, w1, b)
        b = _mm512_set1_epi32(a7.loadUnaligned(fromByteOffset: k, as: Int32.self))
        c07 = mg_dpbf16(c07, w0, b)
        c17 = mg_dpbf16(c17, w1, b)
    }
    var w = panel
    var k = 0
    if split {
        for _ in 0..<pairs {
            step(w, k)
            step(w + 128, k)
            w += 256
            k += 4
        }
    } else {
        for _ in 0..<pairs {
            step(w, k)
            w += 128
            k += 4
        }
    }
    @inline(__always)
    func store(_ j: Int, _ lo: __m512, _ hi: __m512) {
        _mm512_mask_storeu_ps(o + j * stride, mask0, lo)
        _mm512_mask_storeu_ps(o + j * stride + 16, mask1, hi)
    }
    store(0, c00, c10)
    guard tokens > 1 else { return }
    store(1, c01, c11)
    guard tokens > 2 else { return }
    store(2, c02, c12)
    guard tokens > 3 else { return }
    store(3, c03, c13)
    guard tokens > 4 else { return }
    store(4, c04, c14)
    guard tokens > 5 else { return }
    store(5, c05, c15)
    guard tokens > 6 else { return }
    store(6, c06, c16)
    guard tokens > 7 else { return }
    store(7, c07, c17)
}

/// One 16-row × 16-token tile over the whole row length, on the low half of each pair step
/// (rows 0…15 of the panel): per step one weight vector, each token's pair broadcast, 16
/// `vdpbf16ps` into 16 accumulators (and again with the lo vector of a split panel).
@inline(__always)
private func bf16HalfTile(_ panel: UnsafeRawPointer, _ split: Bool, _ pairs: Int, _ x: UnsafeRawPointer, _ rowBytes: Int,
                          _ o: UnsafeMutablePointer<Float>, _ stride: Int, _ tokens: Int, _ mask: __mmask16) {
    let a0 = x, a8 = x + 8 * rowBytes
    var c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps(), c2 = _mm512_setzero_ps(), c3 = _mm512_setzero_ps()
    var c4 = _mm512_setzero_ps(), c5 = _mm512_setzero_ps(), c6 = _mm512_setzero_ps(), c7 = _mm512_setzero_ps()
    var c8 = _mm512_setzero_ps(), c9 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps()
    var c12 = _mm512_setzero_ps(), c13 = _mm512_setzero_ps(), c14 = _mm512_setzero_ps(), c15 = _mm512_setzero_ps()
    @inline(__always)
    func pair(_ a: UnsafeRawPointer, _ j: Int, _ k: Int) -> __m512i {
        _mm512_set1_epi32(a.loadUnaligned(fromByteOffset: j * rowBytes + k, as: Int32.self))
    }
    /// The 16 multiply-adds of pair step `k` with the weight vector at `w`.
    @inline(__always)
    func step(_ w: UnsafeRawPointer, _ k: Int) {
        let w0 = loadUnalignedVector(w)
        c0 = mg_dpbf16(c0, w0, pair(a0, 0, k))
        c1 = mg_dpbf16(c1, w0, pair(a0, 1, k))
        c2 = mg_dpbf16(c2, w0, pair(a0, 2, k))
        c3 = mg_dpbf16(c3, w0, pair(a0, 3, k))
        c4 = mg_dpbf16(c4, w0, pair(a0, 4, k))
        c5 = mg_dpbf16(c5, w0, pair(a0, 5, k))
        c6 = mg_dpbf16(c6, w0, pair(a0, 6, k))
        c7 = mg_dpbf16(c7, w0, pair(a0, 7, k))
        c8 = mg_dpbf16(c8, w0, pair(a8, 0, k))
        c9 = mg_dpbf16(c9, w0, pair(a8, 1, k))
        c10 = mg_dpbf16(c10, w0, pair(a8, 2, k))
        c11 = mg_dpbf16(c11, w0, pair(a8, 3, k))
        c12 = mg_dpbf16(c12, w0, pair(a8, 4, k))
        c13 = mg_dpbf16(c13, w0, pair(a8, 5, k))
        c14 = mg_dpbf16(c14, w0, pair(a8, 6, k))
        c15 = mg_dpbf16(c15, w0, pair(a8, 7, k))
    }
    var w = panel
    var k = 0
    if split {
        for _ in 0..<pairs {
            step(w, k)
            step(w + 128, k)
            w += 256
            k += 4
        }
    } else {
        for _ in 0..<pairs {
            step(w, k)
            w += 128
            k += 4
        }
    }
    @inline(__always)
    func store(_ j: Int, _ c: __m512) { if j < tokens { _mm512_mask_storeu_ps(o + j * stride, mask, c) } }
    store(0, c0); store(1, c1); store(2, c2); store(3, c3); store(4, c4); store(5, c5); store(6, c6); store(7, c7)
    store(8, c8); store(9, c9); store(10, c10); store(11, c11); store(12, c12); store(13, c13); store(14, c14); store(15, c15)
}
#endif
