/// AVX-512 BW dot products of Q4_K and Q6_K weight rows with one Q8_K activation vector:
/// the mat-vecs of decode, where the 4B model's Q4_K_M weights are 97% of every token's
/// reads. The AVX2 kernels (`KernelsAVX2/AVX2KQuants.swift`) spend about as many
/// instructions unpacking, scaling and reducing as multiplying; here one 512-bit step
/// handles two 32-value sub-blocks, and the integer sums of four super-blocks are reduced
/// together, so a core keeps up with memory.
///
/// The integer sums are exact and each super-block's Float expression is the portable
/// kernel's (`Kernels/DotProduct+KQuants.swift`), evaluated block after block in the same
/// order: results are bit-identical to the portable and AVX2 paths, as the tests demand.
///
/// Q8_K activations: d f32 at 0, qs[256] i8 at 4, bsums[16] i16 at 260 (292 bytes).
#if arch(x86_64)
import _Builtin_intrinsics.intel

@inline(__always)
private func load512(_ p: UnsafeRawPointer) -> __m512i { _mm512_loadu_si512(p) }

@inline(__always)
private func load128(_ p: UnsafeRawPointer) -> __m128i { _mm_loadu_si128(p.assumingMemoryBound(to: __m128i.self)) }

/// 32 bytes repeated in both 256-bit halves.
@inline(__always)
private func twice256(_ p: UnsafeRawPointer) -> __m512i {
    _mm512_broadcast_i64x4(_mm256_loadu_si256(p.assumingMemoryBound(to: __m256i.self)))
}

@inline(__always)
private func half(_ p: UnsafeRawPointer) -> Float { _cvtsh_ss(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) }

@inline(__always)
private func single(_ p: UnsafeRawPointer) -> Float { Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))) }

@inline(__always)
private func word(_ p: UnsafeRawPointer) -> UInt32 { UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)) }

/// A `vpshufb` control that fills 128-bit lane L with the 16-bit element `index(L)` of that
/// lane (every lane holds the same eight 16-bit scales).
@inline(__always)
private func pickScales(_ i0: Int32, _ i1: Int32, _ i2: Int32, _ i3: Int32) -> __m512i {
    func pair(_ i: Int32) -> Int32 { let b = 2 * i; return b | (b + 1) << 8 | b << 16 | (b + 1) << 24 }
    let p0 = pair(i0), p1 = pair(i1), p2 = pair(i2), p3 = pair(i3)
    return _mm512_set_epi32(p3, p3, p3, p3, p2, p2, p2, p2, p1, p1, p1, p1, p0, p0, p0, p0)
}

/// 16 Int32 lanes folded to 8 (exact).
@inline(__always)
private func fold(_ v: __m512i) -> __m256i {
    let lanes = unsafeBitCast(v, to: SIMD16<Int32>.self)
    return unsafeBitCast(lanes.lowHalf &+ lanes.highHalf, to: __m256i.self)
}

/// The lane totals of four 8-lane vectors.
@inline(__always)
private func totals(_ v0: __m256i, _ v1: __m256i, _ v2: __m256i, _ v3: __m256i) -> SIMD4<Int32> {
    let h = unsafeBitCast(_mm256_hadd_epi32(_mm256_hadd_epi32(v0, v1), _mm256_hadd_epi32(v2, v3)), to: SIMD8<Int32>.self)
    return h.lowHalf &+ h.highHalf
}

/// The lane totals of four 4-lane vectors.
@inline(__always)
private func totals(_ v0: __m128i, _ v1: __m128i, _ v2: __m128i, _ v3: __m128i) -> SIMD4<Int32> {
    unsafeBitCast(_mm_hadd_epi32(_mm_hadd_epi32(v0, v1), _mm_hadd_epi32(v2, v3)), to: SIMD4<Int32>.self)
}

// MARK: Q4_K

/// Q4_K: d f16 at 0, dmin f16 at 2, scales[12] at 4, qs[128] at 16 (144 bytes). Chunk c
/// (32 bytes of qs) holds sub-block 2c in its low nibbles and 2c+1 in its high ones, so the
/// chunk repeated in both halves of a register, shifted by 0 and 4 bits, is values
/// 64c ..< 64c+64 in the activations' order.
private struct Q4KRow {
    let low4 = _mm512_set1_epi8(0x0F)
    let shifts = _mm512_set_epi32(0x0004_0004, 0x0004_0004, 0x0004_0004, 0x0004_0004, 0x0004_0004, 0x0004_0004,
                                  0x0004_0004, 0x0004_0004, 0, 0, 0, 0, 0, 0, 0, 0)
    let pick = (pickScales(0, 0, 1, 1), pickScales(2, 2, 3, 3), pickScales(4, 4, 5, 5), pickScales(6, 6, 7, 7))

    /// The block's Σ scale·code·a as eight Int32 lanes, and its Σ min·bsum as four.
    @inline(__always)
    func products(_ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> (__m256i, __m128i) {
        // Eight 6-bit scales and mins from 12 bytes (ENGINE.md K1, K2).
        let u0 = word(x + 4), u1 = word(x + 8), u2 = word(x + 12)
        let scLo = u0 & 0x3F3F_3F3F, scHi = (u2 & 0x0F0F_0F0F) | ((u0 >> 6) & 0x0303_0303) << 4
        let mnLo = u1 & 0x3F3F_3F3F, mnHi = ((u2 >> 4) & 0x0F0F_0F0F) | ((u1 >> 6) & 0x0303_0303) << 4
        let mins = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, Int32(bitPattern: mnHi), Int32(bitPattern: mnLo)))
        let minProducts = _mm_madd_epi16(mins, _mm_hadd_epi16(load128(y + 260), load128(y + 276)))
        let scales = _mm512_broadcast_i32x4(_mm_cvtepu8_epi16(_mm_set_epi32(0, 0, Int32(bitPattern: scHi), Int32(bitPattern: scLo))))
        func chunk(_ c: Int, _ pick: __m512i) -> __m512i {
            let codes = _mm512_and_si512(_mm512_srlv_epi16(twice256(x + 16 + 32 * c), shifts), low4)
            return _mm512_madd_epi16(_mm512_maddubs_epi16(codes, load512(y + 4 + 64 * c)), _mm512_shuffle_epi8(scales, pick))
        }
        let sum = _mm512_add_epi32(_mm512_add_epi32(chunk(0, pick.0), chunk(1, pick.1)),
                                   _mm512_add_epi32(chunk(2, pick.2), chunk(3, pick.3)))
        return (fold(sum), minProducts)
    }

    @inline(__always)
    func term(_ x: UnsafeRawPointer, _ y: UnsafeRawPointer, _ isum: Int32, _ msum: Int32) -> Float {
        let yd = single(y)
        return (half(x) * yd) * Float(isum) - (half(x + 2) * yd) * Float(msum)
    }

    @inline(__always)
    func dot(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
        var sum: Float = 0
        var b = 0
        while b + 4 <= blocks {
            let p0 = products(w + 144 * b, a + 292 * b), p1 = products(w + 144 * (b + 1), a + 292 * (b + 1))
            let p2 = products(w + 144 * (b + 2), a + 292 * (b + 2)), p3 = products(w + 144 * (b + 3), a + 292 * (b + 3))
            let i = totals(p0.0, p1.0, p2.0, p3.0), m = totals(p0.1, p1.1, p2.1, p3.1)
            for j in 0..<4 { sum += term(w + 144 * (b + j), a + 292 * (b + j), i[j], m[j]) }
            b += 4
        }
        while b < blocks {
            let (p, mp) = products(w + 144 * b, a + 292 * b)
            let i = unsafeBitCast(p, to: SIMD8<Int32>.self).wrappedSum(), m = unsafeBitCast(mp, to: SIMD4<Int32>.self).wrappedSum()
            sum += term(w + 144 * b, a + 292 * b, i, m)
            b += 1
        }
        return sum
    }
}

// MARK: Q6_K

/// Q6_K: ql[128] at 0, qh[64] at 128, scales[16] i8 at 192, d f16 at 208 (210 bytes). Half n
/// (128 values) is ql[64n ..< 64n+64] and qh[32n ..< 32n+32]: values 0–63 of the half are
/// the low nibbles of the 64 ql bytes with qh bits 0–1 (first 32) and 2–3 (next 32), values
/// 64–127 the high nibbles with qh bits 4–5 and 6–7. Codes 0…63 go through `vpmaddubsw`
/// unsigned; the −32 offset is `32·Σ_j s_j·bsum_j`.
private struct Q6KRow {
    let low4 = _mm512_set1_epi8(0x0F), bits45 = _mm512_set1_epi8(0x30)
    /// qh shifted left by 4 (first 32 values) and 2 (next 32), or right by 0 and 2.
    let lowShifts = _mm512_set_epi32(0x0002_0002, 0x0002_0002, 0x0002_0002, 0x0002_0002, 0x0002_0002, 0x0002_0002,
                                     0x0002_0002, 0x0002_0002, 0x0004_0004, 0x0004_0004, 0x0004_0004, 0x0004_0004,
                                     0x0004_0004, 0x0004_0004, 0x0004_0004, 0x0004_0004)
    let highShifts = _mm512_set_epi32(0x0002_0002, 0x0002_0002, 0x0002_0002, 0x0002_0002, 0x0002_0002, 0x0002_0002,
                                      0x0002_0002, 0x0002_0002, 0, 0, 0, 0, 0, 0, 0, 0)
    let pickLow = pickScales(0, 1, 2, 3), pickHigh = pickScales(4, 5, 6, 7)

    /// The block's Σ scale·(code − 32)·a as eight Int32 lanes.
    @inline(__always)
    func products(_ x: UnsafeRawPointer, _ y: UnsafeRawPointer) -> __m256i {
        var sum = _mm512_setzero_si512()
        for n in 0..<2 {
            let ql = load512(x + 64 * n), qh = twice256(x + 128 + 32 * n)
            let low = _mm512_or_si512(_mm512_and_si512(ql, low4), _mm512_and_si512(_mm512_sllv_epi16(qh, lowShifts), bits45))
            let high = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), low4),
                                       _mm512_and_si512(_mm512_srlv_epi16(qh, highShifts), bits45))
            let scales = _mm512_broadcast_i32x4(_mm_cvtepi8_epi16(_mm_loadl_epi64(load128Pointer(x + 192 + 8 * n))))
            let v = y + 4 + 128 * n
            let p0 = _mm512_madd_epi16(_mm512_maddubs_epi16(low, load512(v)), _mm512_shuffle_epi8(scales, pickLow))
            let p1 = _mm512_madd_epi16(_mm512_maddubs_epi16(high, load512(v + 64)), _mm512_shuffle_epi8(scales, pickHigh))
            sum = _mm512_add_epi32(sum, _mm512_add_epi32(p0, p1))
        }
        let offset = _mm256_madd_epi16(_mm256_cvtepi8_epi16(load128(x + 192)),
                                       _mm256_loadu_si256((y + 260).assumingMemoryBound(to: __m256i.self)))
        return _mm256_sub_epi32(fold(sum), _mm256_slli_epi32(offset, 5))
    }

    @inline(__always)
    func dot(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
        var sum: Float = 0
        var b = 0
        while b + 4 <= blocks {
            let i = totals(products(w + 210 * b, a + 292 * b), products(w + 210 * (b + 1), a + 292 * (b + 1)),
                           products(w + 210 * (b + 2), a + 292 * (b + 2)), products(w + 210 * (b + 3), a + 292 * (b + 3)))
            for j in 0..<4 { sum += (half(w + 210 * (b + j) + 208) * single(a + 292 * (b + j))) * Float(i[j]) }
            b += 4
        }
        while b < blocks {
            let i = unsafeBitCast(products(w + 210 * b, a + 292 * b), to: SIMD8<Int32>.self).wrappedSum()
            sum += (half(w + 210 * b + 208) * single(a + 292 * b)) * Float(i)
            b += 1
        }
        return sum
    }
}

@inline(__always)
private func load128Pointer(_ p: UnsafeRawPointer) -> UnsafePointer<__m128i> { p.assumingMemoryBound(to: __m128i.self) }

// MARK: Entry points: `out[r] = row r · a` for `rows` rows `rowBytes` apart.

@inline(never)
public func avx512DotRowsQ4_K(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                              into out: UnsafeMutablePointer<Float>) {
    let kernel = Q4KRow()
    for r in 0..<rows { out[r] = kernel.dot(w + r * rowBytes, a, blocks: blocks) }
}

@inline(never)
public func avx512DotRowsQ6_K(_ w: UnsafeRawPointer, rowBytes: Int, rows: Int, _ a: UnsafeRawPointer, blocks: Int,
                              into out: UnsafeMutablePointer<Float>) {
    let kernel = Q6KRow()
    for r in 0..<rows { out[r] = kernel.dot(w + r * rowBytes, a, blocks: blocks) }
}
#endif
