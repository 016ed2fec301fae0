/// AVX2 + FMA + F16C kernels for x86-64: the integer-domain dot products of quantized weight
/// rows with quantized activations (Q8_0 / Q8_1 / Q8_K), computed 32 bytes at a time with
/// `vpmaddubsw` / `vpmaddwd` the way llama.cpp's x86 CPU backend does it.
///
/// Results are bit-identical to the portable Swift kernels in `Kernels`: each block's
/// integer sum is exact (and reduced horizontally to one Int32, four blocks at a time for
/// the 32-value formats), and the Float scaling and running sum are evaluated in the same
/// order with the same expressions, block after block. So the output of the engine does not
/// depend on which CPU it runs on, and the tests hold the two paths to equality.
///
/// This whole module is compiled with `-mavx2 -mfma -mf16c`, so the compiler may use those
/// instructions anywhere in it: nothing here may run before `Kernels` has checked the CPU
/// (`CPUFeatures.avx2`). Every entry point is a plain function over raw pointers (no
/// generics, nothing `@inlinable`), so no AVX2 code is inlined into the portable module.
///
/// Layouts (ENGINE.md §2): offsets in bytes within a block; activations as produced by
/// `Kernels.quantizeActivations`.
#if arch(x86_64)
import _Builtin_intrinsics.intel

// MARK: Loads

@inline(__always)
func load256(_ p: UnsafeRawPointer) -> __m256i {
    _mm256_loadu_si256(p.assumingMemoryBound(to: __m256i.self))
}

@inline(__always)
func load128(_ p: UnsafeRawPointer) -> __m128i {
    _mm_loadu_si128(p.assumingMemoryBound(to: __m128i.self))
}

/// Eight bytes into the low half of an XMM register.
@inline(__always)
func load64(_ p: UnsafeRawPointer) -> __m128i {
    _mm_cvtsi64_si128(Int64(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
}

/// An f16 block scale, converted by F16C (exact for every input).
@inline(__always)
func f16(_ p: UnsafeRawPointer) -> Float {
    _cvtsh_ss(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
}

@inline(__always)
func f32(_ p: UnsafeRawPointer) -> Float {
    Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
}

@inline(__always)
func u32(_ p: UnsafeRawPointer) -> UInt32 {
    UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))
}

// MARK: Reductions

@inline(__always)
func horizontalSum(_ v: __m256) -> Float {
    let s = unsafeBitCast(v, to: SIMD8<Float>.self)
    let q = s.lowHalf + s.highHalf
    let h = q.lowHalf + q.highHalf
    return h[0] + h[1]
}

@inline(__always)
func horizontalSum(_ v: __m128i) -> Int32 {
    unsafeBitCast(v, to: SIMD4<Int32>.self).wrappedSum()
}

@inline(__always)
func horizontalSum(_ v: __m256i) -> Int32 {
    let s = unsafeBitCast(v, to: SIMD8<Int32>.self)
    return (s.lowHalf &+ s.highHalf).wrappedSum()
}

/// The totals of four 8-lane Int32 vectors, as four Floats (exact while |total| ≤ 2²⁴, and
/// otherwise the same rounding as `Float(Int32)`).
@inline(__always)
func totals(_ v0: __m256i, _ v1: __m256i, _ v2: __m256i, _ v3: __m256i) -> SIMD4<Float> {
    let h = _mm256_hadd_epi32(_mm256_hadd_epi32(v0, v1), _mm256_hadd_epi32(v2, v3))
    let s = unsafeBitCast(h, to: SIMD8<Int32>.self)
    let sums = unsafeBitCast(s.lowHalf &+ s.highHalf, to: __m128i.self)
    return unsafeBitCast(_mm_cvtepi32_ps(sums), to: SIMD4<Float>.self)
}

/// `Σ_b term(b, Float(Σ lanes of product(b)))` for b in 0..<blocks, summed left to right in
/// Float exactly like the portable loops (`sum += term`). The integer products of four
/// blocks are reduced together.
@inline(__always)
func sumOfBlocks(_ blocks: Int, _ product: (Int) -> __m256i, _ term: (Int, Float) -> Float) -> Float {
    var sum: Float = 0
    var b = 0
    while b + 4 <= blocks {
        let t = totals(product(b), product(b + 1), product(b + 2), product(b + 3))
        sum += term(b, t[0])
        sum += term(b + 1, t[1])
        sum += term(b + 2, t[2])
        sum += term(b + 3, t[3])
        b += 4
    }
    while b < blocks {
        sum += term(b, Float(horizontalSum(product(b))))
        b += 1
    }
    return sum
}

// MARK: Integer products

/// Pairwise sums of 16-bit lanes into 32-bit lanes.
@inline(__always)
func widenPairs(_ v: __m256i) -> __m256i {
    _mm256_madd_epi16(v, _mm256_set1_epi16(1))
}

/// Σ x·y over 32 signed bytes each, as eight Int32 partial sums (exact). `vpmaddubsw` needs
/// an unsigned operand: |x| against y with x's sign moved onto it. Requires y ≠ −128
/// (activations are quantized to −127…127); x may be −128.
@inline(__always)
func dotSigned(_ x: __m256i, _ y: __m256i) -> __m256i {
    let ax = _mm256_sign_epi8(x, x)
    let sy = _mm256_sign_epi8(y, x)
    return widenPairs(_mm256_maddubs_epi16(ax, sy))
}

/// Σ u·y for unsigned bytes u ≤ 128 and signed y, as eight Int32 partial sums (exact while
/// each adjacent pair's sum stays in Int16, true for u ≤ 128, |y| ≤ 127).
@inline(__always)
func dotUnsigned(_ u: __m256i, _ y: __m256i) -> __m256i {
    widenPairs(_mm256_maddubs_epi16(u, y))
}

// MARK: Unpacking

/// 16 bytes of packed nibbles → 32 bytes: the low nibbles (values 0–15) then the high
/// nibbles (values 16–31), the split-halves order of the 32-value formats.
@inline(__always)
func splitNibbles(_ p: UnsafeRawPointer) -> __m256i {
    let q = load128(p)
    let both = _mm256_set_m128i(_mm_srli_epi16(q, 4), q)
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F))
}

/// Bit j of `bits` → byte j = 0xFF when set, 0 when clear (j < 32).
@inline(__always)
func spreadBits(_ bits: UInt32) -> __m256i {
    let v = _mm256_set1_epi32(Int32(bitPattern: bits))
    // Byte j takes source byte j/8 (in each 128-bit lane the same four bytes are present).
    let index = _mm256_set_epi64x(0x0303_0303_0303_0303, 0x0202_0202_0202_0202,
                                  0x0101_0101_0101_0101, 0)
    let select = _mm256_set1_epi64x(Int64(bitPattern: 0x8040_2010_0804_0201))
    return _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(v, index), select), select)
}

/// A shuffle control that repeats the 16-bit element `lo` across the low 128-bit lane and
/// element `hi` across the high lane.
@inline(__always)
func broadcastControl(_ lo: Int32, _ hi: Int32) -> __m256i {
    let a = (2 * lo) | (2 * lo + 1) << 8 | (2 * lo) << 16 | (2 * lo + 1) << 24
    let b = (2 * hi) | (2 * hi + 1) << 8 | (2 * hi) << 16 | (2 * hi + 1) << 24
    return _mm256_set_epi32(b, b, b, b, a, a, a, a)
}
#endif
