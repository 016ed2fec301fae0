/// Dot products of unquantized weight rows (F32, F16, BF16) with Float activations.
/// llama.cpp rounds the activations to F16/BF16 for these; keeping them in f32 is at least
/// as accurate and the difference is far below model noise (ENGINE.md §2.3).
/// Sixteen independent lanes accumulate (Float addition is not reassociated by the
/// compiler, so the lanes are explicit), which also keeps the rounding error of long rows
/// small. 16-bit weights are widened a chunk at a time into a stack buffer first.

@inline(__always)
private func dotFloats(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count n: Int) -> SIMD16<Float> {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= n {
        acc += w.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
            * a.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n {
        acc[0] += w.f32(4 * i) * a.f32(4 * i)
        i += 1
    }
    return acc
}

func dotF32(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count n: Int) -> Float {
    dotFloats(w, a, count: n).sum()
}

/// Values widened per chunk of a 16-bit row.
private let widenChunk = 256

private func dotWidened(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count n: Int,
                        widen: (UnsafeRawPointer, Int, UnsafeMutablePointer<Float>) -> Void) -> Float {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: widenChunk) { buffer in
        let tmp = buffer.baseAddress!
        var acc = SIMD16<Float>()
        var i = 0
        while i < n {
            let m = min(widenChunk, n - i)
            widen(w + 2 * i, m, tmp)
            acc += dotFloats(UnsafeRawPointer(tmp), a + 4 * i, count: m)
            i += m
        }
        return acc.sum()
    }
}

func dotF16(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count n: Int) -> Float {
    dotWidened(w, a, count: n) { halvesToFloats($0, count: $1, into: $2) }
}

func dotBF16(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count n: Int) -> Float {
    dotWidened(w, a, count: n) { bfloat16sToFloats($0, count: $1, into: $2) }
}
