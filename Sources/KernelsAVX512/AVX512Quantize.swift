/// Activation rows quantized straight into the matrix kernels' layout, 16 values at a time,
/// with the same codes and scales as the quantizers llama.cpp runs on x86 (the portable
/// path in `Kernels.MatmulActivations` gives the same; the tests hold the two together):
/// - Q8_0 per 32 values, as ggml's AVX2/AVX-512 `quantize_row_q8_0` (not its scalar
///   reference, which rounds half away from zero with `1/d`): `d = amax/127` rounded to f16
///   for storage, codes `round-half-even(x·(127/amax))`;
/// - Q8_K per 256 values (ggml's reference, which x86 runs too): `iscale = −127/max` for the first value of largest magnitude, codes
///   `min(127, round-half-even(iscale·x))`, `d = 1/iscale`.
/// Each group also gets its code sum, as `−offset·Σq` (Int32) and `Σq` (Float).
#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Where one token's quantized values go.
public struct QuantizedRowOutput {
    public let codes: UnsafeMutablePointer<Int8>
    public let scales: UnsafeMutablePointer<Float>
    public let offsetSums: UnsafeMutablePointer<Int32>
    public let codeSums: UnsafeMutablePointer<Float>

    public init(codes: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>,
                offsetSums: UnsafeMutablePointer<Int32>, codeSums: UnsafeMutablePointer<Float>) {
        self.codes = codes
        self.scales = scales
        self.offsetSums = offsetSums
        self.codeSums = codeSums
    }
}

@inline(__always)
private func maxLane(_ v: __m512) -> Float {
    let s = unsafeBitCast(v, to: SIMD16<Float>.self)
    return s.max()
}

@inline(__always)
private func sumLanes(_ v: __m512i) -> Int32 {
    unsafeBitCast(v, to: SIMD16<Int32>.self).wrappedSum()
}

/// 16 Int32 codes (each in −128…127) → 16 bytes at `out`.
@inline(__always)
private func storeCodes(_ q: __m512i, _ out: UnsafeMutablePointer<Int8>) {
    UnsafeMutableRawPointer(out).storeBytes(of: _mm512_cvtepi32_epi8(q), as: __m128i.self)
}

/// One row of `count` values (a multiple of 32) as Q8_0 blocks; group = block.
/// `halfScale` turns the f32 `d` into the f16-rounded value ggml stores.
@inline(never)
public func avx512QuantizeRowQ8_0(_ x: UnsafePointer<Float>, count: Int, offset: Int32,
                                  halfScale: (Float) -> Float, into out: QuantizedRowOutput) {
    let signBit = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFF_FFFF))
    for b in 0..<count / 32 {
        let v0 = _mm512_loadu_ps(x + 32 * b), v1 = _mm512_loadu_ps(x + 32 * b + 16)
        let amax = maxLane(_mm512_max_ps(_mm512_and_ps(v0, signBit), _mm512_and_ps(v1, signBit)))
        let d = amax / 127
        let id: Float = amax != 0 ? 127 / amax : 0
        // cvtps2dq rounds half to even under the default MXCSR, as `_mm256_round_ps(…, NEAREST)`.
        let q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, _mm512_set1_ps(id)))
        let q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, _mm512_set1_ps(id)))
        storeCodes(q0, out.codes + 32 * b)
        storeCodes(q1, out.codes + 32 * b + 16)
        let sum = sumLanes(_mm512_add_epi32(q0, q1))
        let stored = halfScale(d)
        out.scales[b] = stored
        out.offsetSums[b] = -offset &* sum
        out.codeSums[b] = Float(sum)
    }
}

/// One row of `count` values (a multiple of 256) as Q8_K super-blocks, summed per group of
/// `groupSize` (16 or 32) values.
@inline(never)
public func avx512QuantizeRowQ8_K(_ x: UnsafePointer<Float>, count: Int, groupSize: Int, offset: Int32,
                                  into out: QuantizedRowOutput) {
    let signBit = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFF_FFFF))
    let perBlock = 256 / groupSize
    for b in 0..<count / 256 {
        let v = x + 256 * b
        var m = _mm512_setzero_ps()
        for j in 0..<16 { m = _mm512_max_ps(m, _mm512_and_ps(_mm512_loadu_ps(v + 16 * j), signBit)) }
        let amax = maxLane(m)
        let groups = perBlock * b
        if amax == 0 {
            (out.codes + 256 * b).initialize(repeating: 0, count: 256)
            for g in 0..<perBlock {
                out.scales[groups + g] = 0
                out.offsetSums[groups + g] = 0
                out.codeSums[groups + g] = 0
            }
            continue
        }
        // The first value whose magnitude is amax, with its sign.
        var first = 0
        let target = _mm512_castps_si512(_mm512_set1_ps(amax))
        for j in 0..<16 {
            let magnitude = _mm512_castps_si512(_mm512_and_ps(_mm512_loadu_ps(v + 16 * j), signBit))
            let differs = _mm512_xor_si512(magnitude, target)
            let hit = ~_mm512_test_epi32_mask(differs, differs)
            if hit != 0 {
                first = 16 * j + Int(UInt16(hit).trailingZeroBitCount)
                break
            }
        }
        let iscale = -127 / v[first]
        let d = 1 / iscale
        let scale = _mm512_set1_ps(iscale), top = _mm512_set1_epi32(127)
        var groupSum = _mm512_setzero_si512()
        for j in 0..<16 {
            // cvtps2dq rounds half to even under the default MXCSR, as ggml's nearest_int.
            let q = _mm512_min_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(scale, _mm512_loadu_ps(v + 16 * j))), top)
            storeCodes(q, out.codes + 256 * b + 16 * j)
            groupSum = _mm512_add_epi32(groupSum, q)
            if (16 * (j + 1)) % groupSize == 0 {
                let sum = sumLanes(groupSum)
                let g = groups + 16 * j / groupSize
                out.scales[g] = d
                out.offsetSums[g] = -offset &* sum
                out.codeSums[g] = Float(sum)
                groupSum = _mm512_setzero_si512()
            }
        }
    }
}
#endif
