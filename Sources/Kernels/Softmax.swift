/// The one softmax of the attention (ENGINE.md T9, V4), for text decode, text prefill and the
/// vision tower alike.
///
/// `row[j] ← exp(scale·(row[j] − max))` for j in `visible` (the max taken over `visible`), and
/// `row[j] ← 0` for every other j < `count`; returns `1 / Σ row`. The division is left to the
/// caller because attention multiplies these weights by values anyway: dividing the D outputs
/// of a query costs D multiplies instead of one per key (4096 keys against 72 outputs in
/// SigLIP). The zeros let a following `P · V` product run over all `count` keys unmasked.
///
/// `scale` multiplies the scores inside the exponential (SigLIP's 1/sqrt(D)); the text model
/// pre-scales its queries (T7) and passes 1. `fastExp` (relative error ~2e-7) keeps the loop
/// vectorised; the sums are f32, as ggml's soft_max.
@discardableResult
public func softmaxWeights(_ row: UnsafeMutablePointer<Float>, count: Int, visible: Range<Int>, scale: Float = 1) -> Float {
    precondition(visible.lowerBound >= 0 && visible.upperBound <= count && !visible.isEmpty, "softmax: no visible score")
    let p = row + visible.lowerBound, n = visible.count
    // Four independent max chains: one chain is latency-bound (and the stdlib's SIMD
    // `pointwiseMax` was not specialised here and cost more than the exponentials).
    var m0 = -Float.infinity, m1 = m0, m2 = m0, m3 = m0
    var j = 0
    while j + 4 <= n {
        m0 = p[j] > m0 ? p[j] : m0
        m1 = p[j + 1] > m1 ? p[j + 1] : m1
        m2 = p[j + 2] > m2 ? p[j + 2] : m2
        m3 = p[j + 3] > m3 ? p[j + 3] : m3
        j += 4
    }
    var m = max(max(m0, m1), max(m2, m3))
    while j < n { m = max(m, p[j]); j += 1 }
    for j in 0..<n { p[j] = fastExp((p[j] - m) * scale) }
    let raw = UnsafeMutableRawPointer(p)
    var sums = SIMD8<Float>()
    j = 0
    while j + 8 <= n {
        sums += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
        j += 8
    }
    var sum = sums.sum()
    while j < n { sum += p[j]; j += 1 }
    if visible.lowerBound > 0 { row.update(repeating: 0, count: visible.lowerBound) }
    if visible.upperBound < count { (row + visible.upperBound).update(repeating: 0, count: count - visible.upperBound) }
    return 1 / sum
}
