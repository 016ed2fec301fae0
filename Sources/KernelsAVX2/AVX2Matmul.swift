/// The 256-bit micro-kernel of the quantized matrix product (prompt batches on CPUs without
/// AVX-512 VNNI): the same panel and activation layouts and the same arithmetic as
/// `KernelsAVX512.avx512MatmulPanel`, 8 weight rows × 4 tokens at a time.
///
/// On AVX2, without `vpdpbusd`, each 4-code dot product is `vpmaddubsw` (unsigned codes ×
/// signed activations → adjacent pairs summed in Int16) then `vpmaddwd` against ones (pairs
/// of pairs → Int32): exact while a pair sum fits Int16, i.e. codes ≤ 128 with |a| ≤ 127 —
/// every format but Q8_0, whose codes run to 255 (`Kernels.PanelFormat.fitsInt16Pairs`).
/// CPUs with AVX-VNNI (the VEX-encoded 256-bit `vpdpbusd`, Intel since Alder Lake) run the
/// same kernel with that one instruction instead (`KernelsAVXVNNI`), every format included:
/// the kernel is generic over the `FourCodeDot` and inlinable, so each module compiles it
/// for its own instruction set. Nothing outside these two modules may call it.
#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Σ of the 4 code·activation products in each 32-bit lane, added to `acc` (unsigned codes
/// in `w`, signed activations in `a`): the one step the AVX2 and AVX-VNNI kernels differ in.
public protocol FourCodeDot {
    static func dot4(_ acc: __m256i, _ w: __m256i, _ a: __m256i) -> __m256i
}

/// `vpmaddubsw` + `vpmaddwd` (AVX2).
public enum PairedMultiplyAdd: FourCodeDot {
    @inlinable @inline(__always)
    public static func dot4(_ acc: __m256i, _ w: __m256i, _ a: __m256i) -> __m256i {
        _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), _mm256_set1_epi16(1)))
    }
}

/// `out[t][r] = Σ_k W[r][k]·X[t][k]` for the 32 rows of one packed panel (as four 8-row
/// quarters) and `tokens` tokens (a multiple of 4), written for `t < validTokens`,
/// `r < validRows`. Arguments as `avx512MatmulPanel`'s, with the activation operand spelt out.
@inline(never)
public func avx2MatmulPanel(codes: UnsafeRawPointer, scales: UnsafePointer<Float>, mins: UnsafePointer<Float>?,
                            groups: Int, groupSize: Int, scaleSpan: Int,
                            activationCodes: UnsafePointer<Int8>, codeStride: Int, activationScales: UnsafePointer<Float>,
                            offsetSums: UnsafePointer<Int32>, codeSums: UnsafePointer<Float>, groupStride: Int, tokens: Int,
                            validTokens: Int, output: UnsafeMutablePointer<Float>, outputStride: Int, validRows: Int) {
    matmulPanel(PairedMultiplyAdd.self, codes: codes, scales: scales, mins: mins, groups: groups, groupSize: groupSize,
                scaleSpan: scaleSpan, activationCodes: activationCodes, codeStride: codeStride,
                activationScales: activationScales, offsetSums: offsetSums, codeSums: codeSums, groupStride: groupStride,
                tokens: tokens, validTokens: validTokens, output: output, outputStride: outputStride, validRows: validRows)
}

/// The kernel behind `avx2MatmulPanel` and `avxVNNIMatmulPanel`, with `Dot` as its 4-code step.
@inlinable @inline(__always)
public func matmulPanel<Dot: FourCodeDot>(_ dot: Dot.Type, codes: UnsafeRawPointer, scales: UnsafePointer<Float>,
                                          mins: UnsafePointer<Float>?, groups: Int, groupSize: Int, scaleSpan: Int,
                                          activationCodes: UnsafePointer<Int8>, codeStride: Int,
                                          activationScales: UnsafePointer<Float>, offsetSums: UnsafePointer<Int32>,
                                          codeSums: UnsafePointer<Float>, groupStride: Int, tokens: Int, validTokens: Int,
                                          output: UnsafeMutablePointer<Float>, outputStride: Int, validRows: Int) {
    precondition(groupSize == 16 || groupSize == 32, "groups of 16 or 32 values")
    precondition(tokens % 4 == 0, "tokens padded to a multiple of 4")
    precondition(scaleSpan > 0 && groups % scaleSpan == 0, "whole activation blocks")
    let x = Activations(codes: activationCodes, codeStride: codeStride, scales: activationScales,
                        offsetSums: offsetSums, codeSums: codeSums, groupStride: groupStride)
    for quarter in 0..<4 where 8 * quarter < validRows {
        var t = 0
        while t < tokens {
            let rows = min(8, validRows - 8 * quarter)
            let out = QuarterTile(output: output + t * outputStride + 8 * quarter, stride: outputStride,
                                  tokens: min(4, validTokens - t), rows: rows)
            let q = codes + 32 * quarter, s = scales + 8 * quarter, m = mins.map { $0 + 8 * quarter }
            switch (groupSize, m) {
            case (32, nil): quarterTile(Dot.self, q, s, nil, groups, steps: 8, span: scaleSpan, x, t, out)
            case (32, let m?): quarterTile(Dot.self, q, s, m, groups, steps: 8, span: scaleSpan, x, t, out)
            case (_, nil): quarterTile(Dot.self, q, s, nil, groups, steps: 4, span: scaleSpan, x, t, out)
            case (_, let m?): quarterTile(Dot.self, q, s, m, groups, steps: 4, span: scaleSpan, x, t, out)
            }
            t += 4
        }
    }
}

@usableFromInline
struct Activations {
    @usableFromInline let codes: UnsafePointer<Int8>
    @usableFromInline let codeStride: Int
    @usableFromInline let scales: UnsafePointer<Float>
    @usableFromInline let offsetSums: UnsafePointer<Int32>
    @usableFromInline let codeSums: UnsafePointer<Float>
    @usableFromInline let groupStride: Int

    @inlinable
    init(codes: UnsafePointer<Int8>, codeStride: Int, scales: UnsafePointer<Float>, offsetSums: UnsafePointer<Int32>,
         codeSums: UnsafePointer<Float>, groupStride: Int) {
        self.codes = codes
        self.codeStride = codeStride
        self.scales = scales
        self.offsetSums = offsetSums
        self.codeSums = codeSums
        self.groupStride = groupStride
    }
}

@usableFromInline
struct QuarterTile {
    @usableFromInline let output: UnsafeMutablePointer<Float>
    @usableFromInline let stride: Int
    @usableFromInline let tokens: Int
    @usableFromInline let rows: Int

    @inlinable
    init(output: UnsafeMutablePointer<Float>, stride: Int, tokens: Int, rows: Int) {
        self.output = output
        self.stride = stride
        self.tokens = tokens
        self.rows = rows
    }
}

@inlinable @inline(__always)
func broadcastCodes(_ p: UnsafePointer<Int8>) -> __m256i {
    _mm256_set1_epi32(UnsafeRawPointer(p).loadUnaligned(as: Int32.self))
}

@inlinable @inline(__always)
func storeRows(_ v: __m256, _ p: UnsafeMutablePointer<Float>, rows: Int) {
    if rows == 8 {
        _mm256_storeu_ps(p, v)
    } else {
        let lanes = unsafeBitCast(v, to: SIMD8<Float>.self)
        for r in 0..<rows { p[r] = lanes[r] }
    }
}

/// One 8-row × 4-token tile: 4 integer accumulators per group, 4 Float accumulators per
/// activation block, 4 running sums.
@inlinable @inline(__always)
func quarterTile<Dot: FourCodeDot>(_ dot: Dot.Type, _ codes: UnsafeRawPointer, _ scales: UnsafePointer<Float>, _ mins: UnsafePointer<Float>?,
                         _ groups: Int, steps: Int, span: Int, _ x: Activations, _ t: Int, _ out: QuarterTile) {
    let a0 = x.codes + t * x.codeStride, a1 = a0 + x.codeStride, a2 = a1 + x.codeStride, a3 = a2 + x.codeStride
    let g0 = t * x.groupStride, g1 = g0 + x.groupStride, g2 = g1 + x.groupStride, g3 = g2 + x.groupStride
    var r0 = _mm256_setzero_ps(), r1 = _mm256_setzero_ps(), r2 = _mm256_setzero_ps(), r3 = _mm256_setzero_ps()
    var w = codes
    var k = 0
    var g = 0
    while g < groups {
        var f0 = _mm256_setzero_ps(), f1 = _mm256_setzero_ps(), f2 = _mm256_setzero_ps(), f3 = _mm256_setzero_ps()
        for _ in 0..<span {
            var i0 = _mm256_set1_epi32(x.offsetSums[g0 + g]), i1 = _mm256_set1_epi32(x.offsetSums[g1 + g])
            var i2 = _mm256_set1_epi32(x.offsetSums[g2 + g]), i3 = _mm256_set1_epi32(x.offsetSums[g3 + g])
            for _ in 0..<steps {
                let c = _mm256_loadu_si256(w.assumingMemoryBound(to: __m256i.self))
                i0 = Dot.dot4(i0, c, broadcastCodes(a0 + k))
                i1 = Dot.dot4(i1, c, broadcastCodes(a1 + k))
                i2 = Dot.dot4(i2, c, broadcastCodes(a2 + k))
                i3 = Dot.dot4(i3, c, broadcastCodes(a3 + k))
                w += 128
                k += 4
            }
            let s = _mm256_loadu_ps(scales + 32 * g)
            f0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i0), s, f0)
            f1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i1), s, f1)
            f2 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i2), s, f2)
            f3 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i3), s, f3)
            if let mins {
                let m = _mm256_loadu_ps(mins + 32 * g)
                f0 = _mm256_fnmadd_ps(m, _mm256_set1_ps(x.codeSums[g0 + g]), f0)
                f1 = _mm256_fnmadd_ps(m, _mm256_set1_ps(x.codeSums[g1 + g]), f1)
                f2 = _mm256_fnmadd_ps(m, _mm256_set1_ps(x.codeSums[g2 + g]), f2)
                f3 = _mm256_fnmadd_ps(m, _mm256_set1_ps(x.codeSums[g3 + g]), f3)
            }
            g += 1
        }
        let first = g - span
        r0 = _mm256_fmadd_ps(f0, _mm256_set1_ps(x.scales[g0 + first]), r0)
        r1 = _mm256_fmadd_ps(f1, _mm256_set1_ps(x.scales[g1 + first]), r1)
        r2 = _mm256_fmadd_ps(f2, _mm256_set1_ps(x.scales[g2 + first]), r2)
        r3 = _mm256_fmadd_ps(f3, _mm256_set1_ps(x.scales[g3 + first]), r3)
    }
    storeRows(r0, out.output, rows: out.rows)
    guard out.tokens > 1 else { return }
    storeRows(r1, out.output + out.stride, rows: out.rows)
    guard out.tokens > 2 else { return }
    storeRows(r2, out.output + 2 * out.stride, rows: out.rows)
    guard out.tokens > 3 else { return }
    storeRows(r3, out.output + 3 * out.stride, rows: out.rows)
}
#endif
