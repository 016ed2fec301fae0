import KernelsAVX2

/// The inner loops of attention over cached keys and values, in the two element types a KV
/// cache holds: f16 (the default cache, as llama.cpp's; halves its memory and the bytes a
/// decode step reads) and f32 (`--precision exact`, so the reference path rounds nothing).
///
/// Rows are `count` vectors of `dim` values, `stride` elements apart (one KV head's slice of
/// cache rows laid out `[position][kvHead][headDim]`). f16 rows are IEEE binary16 bit
/// patterns. On x86-64 with AVX2/FMA/F16C (checked at run time, `KernelPath`) the f16 rows
/// are converted in registers by F16C; elsewhere they are widened a row at a time by the
/// exact portable conversion (`halvesToFloats`) and handled like f32 rows.

/// Whether the F16C kernels run (the CPU has them and `MEDGEMMA_KERNELS` allows them).
@inline(__always)
private var useF16C: Bool {
    #if arch(x86_64)
    return CPUFeatures.avx2 && KernelPath.active != .portable
    #else
    return false
    #endif
}

// MARK: Conversions

/// `dst[i] = f16(src[i])`, rounded to nearest even (ggml's FP32→FP16, F16C `vcvtps2ph`).
/// How keys and values enter the f16 cache.
public func floatsToHalves(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<UInt16>) {
    #if arch(x86_64)
    if useF16C { return avx2FloatsToHalves(src, count, dst) }
    #endif
    for i in 0..<count { dst[i] = floatToHalf(src[i]) }
}

/// `dst[i] = Float(src[i])` for f16 bit patterns (exact). How the prompt-batch attention
/// reads f16 keys and values for its matrix products.
public func widenHalves(_ src: UnsafePointer<UInt16>, count: Int, into dst: UnsafeMutablePointer<Float>) {
    #if arch(x86_64)
    if useF16C { return avx2HalvesToFloats(src, count, dst) }
    #endif
    halvesToFloats(UnsafeRawPointer(src), count: count, into: dst)
}

/// `x[i] = Float(f16(scale · x[i]))`: the rounding ggml's f16 mat-mul applies to its f32
/// operand (the query against f16 keys, the softmax weights against f16 values), so an f16
/// cache gives what llama.cpp's does rather than a mix of f16 and f32 roundings.
public func roundToHalves(_ x: UnsafeMutablePointer<Float>, count: Int, scale: Float = 1) {
    #if arch(x86_64)
    if useF16C { return avx2RoundToHalves(x, count, scale) }
    #endif
    for i in 0..<count { x[i] = halfToFloat(floatToHalf(scale * x[i])) }
}

// MARK: Scores: out[j] = row_j · x

/// `out[j] = Σ_t rows[j·stride + t] · x[t]` for j < count (the attention scores of one query
/// against `count` cached keys).
public func dotRows(_ rows: UnsafePointer<UInt16>, stride: Int, count: Int, dim: Int,
                    with x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    #if arch(x86_64)
    if useF16C { return avx2HalfRowDots(rows, stride, count, x, dim, out) }
    #endif
    withUnsafeTemporaryAllocation(of: Float.self, capacity: dim) { row in
        for j in 0..<count {
            halvesToFloats(UnsafeRawPointer(rows + j * stride), count: dim, into: row.baseAddress!)
            out[j] = dotFloats(row.baseAddress!, x, dim)
        }
    }
}

public func dotRows(_ rows: UnsafePointer<Float>, stride: Int, count: Int, dim: Int,
                    with x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    for j in 0..<count { out[j] = dotFloats(rows + j * stride, x, dim) }
}

// MARK: Weighted sums: out += Σ_j w_j · row_j

/// `out[t] += Σ_j weights[j] · rows[j·stride + t]` for t < dim (one query's attention
/// output over `count` cached values).
public func accumulateRows(_ rows: UnsafePointer<UInt16>, stride: Int, count: Int, dim: Int,
                           weights: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    #if arch(x86_64)
    if useF16C { return avx2HalfRowsAccumulate(rows, stride, count, weights, dim, out) }
    #endif
    withUnsafeTemporaryAllocation(of: Float.self, capacity: dim) { row in
        for j in 0..<count {
            halvesToFloats(UnsafeRawPointer(rows + j * stride), count: dim, into: row.baseAddress!)
            addScaled(row.baseAddress!, weights[j], dim, out)
        }
    }
}

public func accumulateRows(_ rows: UnsafePointer<Float>, stride: Int, count: Int, dim: Int,
                           weights: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    for j in 0..<count { addScaled(rows + j * stride, weights[j], dim, out) }
}

// MARK: Portable pieces

/// Σ a[t]·b[t] in sixteen independent lanes (Float addition is not reassociated by the
/// compiler, so the lanes are explicit; it also keeps the rounding of long rows small).
@inline(__always)
private func dotFloats(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var acc = SIMD16<Float>()
    var t = 0
    while t + 16 <= n {
        acc += ra.loadUnaligned(fromByteOffset: 4 * t, as: SIMD16<Float>.self)
            * rb.loadUnaligned(fromByteOffset: 4 * t, as: SIMD16<Float>.self)
        t += 16
    }
    var sum = acc.sum()
    while t < n { sum += a[t] * b[t]; t += 1 }
    return sum
}

/// `out[t] += w · row[t]`.
@inline(__always)
private func addScaled(_ row: UnsafePointer<Float>, _ w: Float, _ n: Int, _ out: UnsafeMutablePointer<Float>) {
    for t in 0..<n { out[t] += w * row[t] }
}
