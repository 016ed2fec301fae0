/// AVX2 dot products of the 256-value K-quant super-blocks with Q8_K activations
/// (d f32 at 0, qs[256] i8 at 4, bsums[16] i16 at 260; 292 bytes).
///
/// Codes are unpacked to unsigned bytes, multiplied with `vpmaddubsw` (pair sums stay far
/// inside Int16: codes ≤ 63, |a| ≤ 127), weighted by their 16-bit sub-block scales with
/// `vpmaddwd` and summed exactly in Int32 lanes; the super-block's integer sum then goes
/// through the portable kernel's Float expression.
/// Offsets and minus-terms are taken from the activation block sums where the format
/// allows it (Q2_K/Q4_K/Q5_K mins, the −32 of Q6_K).
#if arch(x86_64)
import _Builtin_intrinsics.intel

/// `v` (i16 products of 32 values) times the 16-bit scale broadcast by `control` from `scales`.
@inline(__always)
func scaled(_ products: __m256i, _ scales: __m256i, _ control: __m256i) -> __m256i {
    _mm256_madd_epi16(products, _mm256_shuffle_epi8(scales, control))
}

/// Eight bytes (as two UInt32) widened to 16-bit lanes and repeated in both 128-bit lanes.
@inline(__always)
func unsignedScales(_ lo: UInt32, _ hi: UInt32) -> __m256i {
    _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(_mm_set_epi32(0, 0, Int32(bitPattern: hi), Int32(bitPattern: lo))))
}

/// Q4_K: d f16 at 0, dmin f16 at 2, scales[12] at 4, qs[128] at 16 (144 bytes).
@inline(__always)
func rowQ4_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    let low4 = _mm256_set1_epi8(0x0F)
    for b in 0..<blocks {
        let x = w + 144 * b, y = a + 292 * b
        let yd = f32(y)
        let (scales, msum) = q4KScalesAndMinSum(x + 4, y)
        var sumi = _mm256_setzero_si256()
        for c in 0..<4 {
            let q = load256(x + 16 + 32 * c)
            let lo = _mm256_and_si256(q, low4)
            let hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4)
            let c2 = Int32(2 * c)
            let p0 = scaled(_mm256_maddubs_epi16(lo, load256(y + 4 + 64 * c)), scales, broadcastControl(c2, c2))
            let p1 = scaled(_mm256_maddubs_epi16(hi, load256(y + 36 + 64 * c)), scales, broadcastControl(c2 + 1, c2 + 1))
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p0, p1))
        }
        sum += (f16(x) * yd) * Float(horizontalSum(sumi)) - (f16(x + 2) * yd) * Float(msum)
    }
    return sum
}

/// Q4_K/Q5_K: the eight 6-bit scales (as 16-bit lanes, repeated in both 128-bit lanes) and
/// `Σ_j min_j · (bsum_2j + bsum_2j+1)` from the 12 packed bytes at `s` (ENGINE.md K1, K2),
/// unpacked four at a time: bytes 0–3 hold scales 0–3, bytes 4–7 mins 0–3, bytes 8–11 the
/// low nibbles of scales 4–7 (low) and mins 4–7 (high), whose top two bits are the spare
/// top bits of bytes 0–3 (scales) and 4–7 (mins).
@inline(__always)
func q4KScalesAndMinSum(_ s: UnsafeRawPointer, _ y: UnsafeRawPointer) -> (__m256i, Int32) {
    let u0 = u32(s), u1 = u32(s + 4), u2 = u32(s + 8)
    let scLo = u0 & 0x3F3F_3F3F
    let scHi = (u2 & 0x0F0F_0F0F) | ((u0 >> 6) & 0x0303_0303) << 4
    let mnLo = u1 & 0x3F3F_3F3F
    let mnHi = ((u2 >> 4) & 0x0F0F_0F0F) | ((u1 >> 6) & 0x0303_0303) << 4
    let mins = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, Int32(bitPattern: mnHi), Int32(bitPattern: mnLo)))
    let pairSums = _mm_hadd_epi16(load128(y + 260), load128(y + 276))
    let msum = horizontalSum(_mm_madd_epi16(mins, pairSums))
    return (unsignedScales(scLo, scHi), msum)
}

/// Q5_K: d f16 at 0, dmin f16 at 2, scales[12] at 4, qh[32] at 16, qs[128] at 48 (176 bytes).
/// Chunk c's fifth bits are bits 2c (low nibbles) and 2c+1 (high nibbles) of qh[l].
@inline(__always)
func rowQ5_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    let low4 = _mm256_set1_epi8(0x0F), bit4 = _mm256_set1_epi8(0x10)
    for b in 0..<blocks {
        let x = w + 176 * b, y = a + 292 * b
        let yd = f32(y)
        let (scales, msum) = q4KScalesAndMinSum(x + 4, y)
        var high = load256(x + 16)
        var sumi = _mm256_setzero_si256()
        for c in 0..<4 {
            let q = load256(x + 48 + 32 * c)
            let lo = _mm256_or_si256(_mm256_and_si256(q, low4), _mm256_and_si256(_mm256_slli_epi16(high, 4), bit4))
            let hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), low4),
                                     _mm256_and_si256(_mm256_slli_epi16(high, 3), bit4))
            high = _mm256_srli_epi16(high, 2)
            let c2 = Int32(2 * c)
            let p0 = scaled(_mm256_maddubs_epi16(lo, load256(y + 4 + 64 * c)), scales, broadcastControl(c2, c2))
            let p1 = scaled(_mm256_maddubs_epi16(hi, load256(y + 36 + 64 * c)), scales, broadcastControl(c2 + 1, c2 + 1))
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p0, p1))
        }
        sum += (f16(x) * yd) * Float(horizontalSum(sumi)) - (f16(x + 2) * yd) * Float(msum)
    }
    return sum
}

/// Q6_K: ql[128] at 0, qh[64] at 128, scales[16] i8 at 192, d f16 at 208 (210 bytes).
/// Codes 0…63 go through `vpmaddubsw` unsigned; the −32 offset is `32·Σ_j s_j·bsum_j`.
@inline(__always)
func rowQ6_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    let low4 = _mm256_set1_epi8(0x0F), bits45 = _mm256_set1_epi8(0x30)
    for b in 0..<blocks {
        let x = w + 210 * b, y = a + 292 * b
        let offset = _mm256_madd_epi16(_mm256_cvtepi8_epi16(load128(x + 192)), load256(y + 260))
        var sumi = _mm256_setzero_si256()
        for n in 0..<2 {
            let ql0 = load256(x + 64 * n), ql1 = load256(x + 64 * n + 32), qh = load256(x + 128 + 32 * n)
            let g0 = _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), bits45))
            let g1 = _mm256_or_si256(_mm256_and_si256(ql1, low4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), bits45))
            let g2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4), _mm256_and_si256(qh, bits45))
            let g3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                                     _mm256_and_si256(_mm256_srli_epi16(qh, 2), bits45))
            let scales = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(load64(x + 192 + 8 * n)))
            let v = y + 4 + 128 * n
            let p0 = scaled(_mm256_maddubs_epi16(g0, load256(v)), scales, broadcastControl(0, 1))
            let p1 = scaled(_mm256_maddubs_epi16(g1, load256(v + 32)), scales, broadcastControl(2, 3))
            let p2 = scaled(_mm256_maddubs_epi16(g2, load256(v + 64)), scales, broadcastControl(4, 5))
            let p3 = scaled(_mm256_maddubs_epi16(g3, load256(v + 96)), scales, broadcastControl(6, 7))
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(_mm256_add_epi32(p0, p1), _mm256_add_epi32(p2, p3)))
        }
        sumi = _mm256_sub_epi32(sumi, _mm256_slli_epi32(offset, 5))
        sum += (f16(x + 208) * f32(y)) * Float(horizontalSum(sumi))
    }
    return sum
}

/// Q3_K: hmask[32] at 0, qs[64] at 32, scales[12] at 96, d f16 at 108 (110 bytes).
/// Code = 2-bit value − 4 where the high-mask bit is clear: two `vpmaddubsw` (the 2-bit
/// values, and 4 where the bit is clear) subtracted in Int16.
@inline(__always)
func rowQ3_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    let three = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1)
    for b in 0..<blocks {
        let x = w + 110 * b, y = a + 292 * b
        // 16 signed 6-bit scales (ENGINE.md K7), four bytes at a time.
        let a0 = u32(x + 96), a1 = u32(x + 100), a2 = u32(x + 104)
        let s0 = (a0 & 0x0F0F_0F0F) | (a2 & 0x0303_0303) << 4
        let s1 = (a1 & 0x0F0F_0F0F) | ((a2 >> 2) & 0x0303_0303) << 4
        let s2 = ((a0 >> 4) & 0x0F0F_0F0F) | ((a2 >> 4) & 0x0303_0303) << 4
        let s3 = ((a1 >> 4) & 0x0F0F_0F0F) | ((a2 >> 6) & 0x0303_0303) << 4
        let scales8 = _mm_sub_epi8(_mm_set_epi32(Int32(bitPattern: s3), Int32(bitPattern: s2),
                                                 Int32(bitPattern: s1), Int32(bitPattern: s0)), _mm_set1_epi8(32))
        let hmask = load256(x)
        var sumi = _mm256_setzero_si256()
        for n in 0..<2 {
            let half8 = n == 0 ? scales8 : _mm_unpackhi_epi64(scales8, scales8)
            let scales = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(half8))
            let qs = load256(x + 32 + 32 * n)
            for g in 0..<4 {
                let q2 = _mm256_and_si256(_mm256_srli_epi16(qs, Int32(2 * g)), three)
                let bit = _mm256_and_si256(_mm256_srli_epi16(hmask, Int32(4 * n + g)), one)
                let minus4 = _mm256_slli_epi16(_mm256_xor_si256(bit, one), 2)
                let v = load256(y + 4 + 128 * n + 32 * g)
                let p = _mm256_sub_epi16(_mm256_maddubs_epi16(q2, v), _mm256_maddubs_epi16(minus4, v))
                let g2 = Int32(2 * g)
                sumi = _mm256_add_epi32(sumi, scaled(p, scales, broadcastControl(g2, g2 + 1)))
            }
        }
        sum += (f16(x + 108) * f32(y)) * Float(horizontalSum(sumi))
    }
    return sum
}

/// Q2_K: scales[16] at 0 (low nibble scale, high nibble min), qs[64] at 16, d f16 at 80,
/// dmin f16 at 82 (84 bytes).
@inline(__always)
func rowQ2_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    let three = _mm256_set1_epi8(3), low4 = _mm_set1_epi8(0x0F)
    for b in 0..<blocks {
        let x = w + 84 * b, y = a + 292 * b
        let yd = f32(y)
        let packed = load128(x)
        let scales8 = _mm_and_si128(packed, low4)
        let mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), low4))
        let msum = horizontalSum(_mm256_madd_epi16(mins, load256(y + 260)))
        var sumi = _mm256_setzero_si256()
        for n in 0..<2 {
            let half8 = n == 0 ? scales8 : _mm_unpackhi_epi64(scales8, scales8)
            let scales = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(half8))
            let qs = load256(x + 16 + 32 * n)
            for g in 0..<4 {
                let q2 = _mm256_and_si256(_mm256_srli_epi16(qs, Int32(2 * g)), three)
                let p = _mm256_maddubs_epi16(q2, load256(y + 4 + 128 * n + 32 * g))
                let g2 = Int32(2 * g)
                sumi = _mm256_add_epi32(sumi, scaled(p, scales, broadcastControl(g2, g2 + 1)))
            }
        }
        sum += (yd * f16(x + 80)) * Float(horizontalSum(sumi)) - (yd * f16(x + 82)) * Float(msum)
    }
    return sum
}

// MARK: Entry points: `out[r] = row r · a` for `rows` rows `rowBytes` apart.

@inline(never)
public func avx2DotRowsQ2_K(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { out[r] = rowQ2_K(w + r * rowBytes, a, blocks: blocks) }
}

@inline(never)
public func avx2DotRowsQ3_K(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { out[r] = rowQ3_K(w + r * rowBytes, a, blocks: blocks) }
}

@inline(never)
public func avx2DotRowsQ4_K(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { out[r] = rowQ4_K(w + r * rowBytes, a, blocks: blocks) }
}

@inline(never)
public func avx2DotRowsQ5_K(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { out[r] = rowQ5_K(w + r * rowBytes, a, blocks: blocks) }
}

@inline(never)
public func avx2DotRowsQ6_K(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                            into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { out[r] = rowQ6_K(w + r * rowBytes, a, blocks: blocks) }
}
#endif
