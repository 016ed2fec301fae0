/// F16C + FMA kernels for the f16 KV cache: conversions, and the attention's two inner loops
/// over f16 rows (scores `row · x`, weighted sums `Σ w·row`) with the halves widened in
/// registers, eight at a time, so a decode step reads each cached key and value once at half
/// the bytes of f32. Called only from `Kernels/AttentionRows.swift` after the CPU check.
///
/// Conversions use Swift's `Float16`, which this module's `-mf16c` lowers to `vcvtps2ph` /
/// `vcvtph2ps` (round to nearest even, exact widening), the same results as the portable
/// `floatToHalf` / `halfToFloat`.
#if arch(x86_64)
import _Builtin_intrinsics.intel

@inline(__always)
private func loadHalves8(_ p: UnsafePointer<UInt16>) -> __m256 {
    _mm256_cvtph_ps(_mm_loadu_si128(UnsafeRawPointer(p).assumingMemoryBound(to: __m128i.self)))
}

public func avx2FloatsToHalves(_ src: UnsafePointer<Float>, _ count: Int, _ dst: UnsafeMutablePointer<UInt16>) {
    for i in 0..<count { dst[i] = Float16(src[i]).bitPattern }
}

public func avx2HalvesToFloats(_ src: UnsafePointer<UInt16>, _ count: Int, _ dst: UnsafeMutablePointer<Float>) {
    var i = 0
    while i + 8 <= count {
        _mm256_storeu_ps(dst + i, loadHalves8(src + i))
        i += 8
    }
    while i < count {
        dst[i] = _cvtsh_ss(src[i])
        i += 1
    }
}

public func avx2RoundToHalves(_ x: UnsafeMutablePointer<Float>, _ count: Int, _ scale: Float) {
    for i in 0..<count { x[i] = Float(Float16(scale * x[i])) }
}

/// `out[j] = rows_j · x` for `count` rows of `dim` halves, `stride` halves apart.
public func avx2HalfRowDots(_ rows: UnsafePointer<UInt16>, _ stride: Int, _ count: Int, _ x: UnsafePointer<Float>,
                            _ dim: Int, _ out: UnsafeMutablePointer<Float>) {
    for j in 0..<count {
        let r = rows + j * stride
        var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps()
        var t = 0
        while t + 16 <= dim {
            a0 = _mm256_fmadd_ps(loadHalves8(r + t), _mm256_loadu_ps(x + t), a0)
            a1 = _mm256_fmadd_ps(loadHalves8(r + t + 8), _mm256_loadu_ps(x + t + 8), a1)
            t += 16
        }
        var sum = horizontalSum(_mm256_add_ps(a0, a1))
        while t < dim {
            sum += _cvtsh_ss(r[t]) * x[t]
            t += 1
        }
        out[j] = sum
    }
}

/// `out[t] += Σ_j w[j] · rows_j[t]` for `count` rows of `dim` halves, `stride` halves apart.
/// Rows in blocks of 64 (32 KB of a 256-wide head: they stay in cache), and within a block
/// columns in tiles of 32 held in registers while the block's rows stream past, so `out`
/// is loaded and stored once per block rather than once per row.
public func avx2HalfRowsAccumulate(_ rows: UnsafePointer<UInt16>, _ stride: Int, _ count: Int, _ w: UnsafePointer<Float>,
                                   _ dim: Int, _ out: UnsafeMutablePointer<Float>) {
    var first = 0
    while first < count {
        let last = min(count, first + 64)
        var t = 0
        while t + 32 <= dim {
            var o0 = _mm256_loadu_ps(out + t), o1 = _mm256_loadu_ps(out + t + 8)
            var o2 = _mm256_loadu_ps(out + t + 16), o3 = _mm256_loadu_ps(out + t + 24)
            for j in first..<last {
                let r = rows + j * stride + t
                let wj = _mm256_set1_ps(w[j])
                o0 = _mm256_fmadd_ps(wj, loadHalves8(r), o0)
                o1 = _mm256_fmadd_ps(wj, loadHalves8(r + 8), o1)
                o2 = _mm256_fmadd_ps(wj, loadHalves8(r + 16), o2)
                o3 = _mm256_fmadd_ps(wj, loadHalves8(r + 24), o3)
            }
            _mm256_storeu_ps(out + t, o0)
            _mm256_storeu_ps(out + t + 8, o1)
            _mm256_storeu_ps(out + t + 16, o2)
            _mm256_storeu_ps(out + t + 24, o3)
            t += 32
        }
        while t + 8 <= dim {
            var o = _mm256_loadu_ps(out + t)
            for j in first..<last { o = _mm256_fmadd_ps(_mm256_set1_ps(w[j]), loadHalves8(rows + j * stride + t), o) }
            _mm256_storeu_ps(out + t, o)
            t += 8
        }
        while t < dim {
            var o = out[t]
            for j in first..<last { o += w[j] * _cvtsh_ss(rows[j * stride + t]) }
            out[t] = o
            t += 1
        }
        first = last
    }
}
#endif
