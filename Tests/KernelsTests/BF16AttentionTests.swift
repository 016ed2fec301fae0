import TestSupport
import XCTest
@testable import Kernels

/// The vision tower's bf16 attention against a float64 softmax attention of the same
/// bf16-rounded q, k and v (`bf16Rounded`, TestSupport). What the kernel adds on top is the
/// rounding of each softmax weight to bf16 (relative 2⁻⁸), the exponential's polynomial
/// (~2e-7) and f32 sums; with weights off by relative e_j, the weighted mean moves by at most
/// `Σ p_j·e_j·|v_j − o| / Σ p_j(1 − e)`, which is the bound each output is held to. A wrong
/// layout, scale or normalisation is off by orders of magnitude more.
final class BF16AttentionTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(bf16AttentionSupported(), "this CPU has no AVX-512 BF16: the bf16 attention doesn't run here")
    }

    /// Shapes: the tiny fixture's tower (144 rows, 2 heads of 16), odd rows and head sizes, a
    /// single row, MedGemma's head size over several query blocks (1100 keys: blocks of 112),
    /// rows wider than the heads. Scores up to ±30 after scaling (peaked softmax) and ±1.
    func testMatchesFloat64AttentionOfTheRoundedInputs() {
        let shapes = [(144, 2, 16, 32), (37, 1, 33, 35), (1, 1, 8, 8), (300, 3, 72, 221), (1100, 1, 72, 72), (9, 2, 3, 7)]
        for (i, (n, heads, D, stride)) in shapes.enumerated() {
            for spread: Float in [1, 4] {
                check(rows: n, heads: heads, headDim: D, stride: stride, spread: spread, seed: UInt64(31 * i + 7))
            }
        }
    }

    func testOtherPathsAreDeclined() throws {
        for path in KernelPath.supported where path != .avx512vnni {
            XCTAssertFalse(bf16AttentionSupported(path: path), "\(path)")
            var out = [Float](repeating: 7, count: 8)
            let x = [Float](repeating: 1, count: 8)
            let taken = KernelPath.with(path) {
                x.withUnsafeBufferPointer { xb in
                    bf16Attention(queries: xb.baseAddress!, keys: xb.baseAddress!, values: xb.baseAddress!, rows: 2, heads: 1,
                                  headDim: 4, stride: 4, scale: 1, into: &out)
                }
            }
            XCTAssertFalse(taken, "\(path)")
            XCTAssertEqual(out, [Float](repeating: 7, count: 8), "\(path): nothing written")
        }
    }

    private func check(rows n: Int, heads: Int, headDim D: Int, stride: Int, spread: Float, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let q = (0..<(n * stride)).map { _ in rng.nextGaussian() * spread }
        let k = (0..<(n * stride)).map { _ in rng.nextGaussian() * spread }
        let v = (0..<(n * stride)).map { _ in rng.nextGaussian() }
        let scale = 1 / Float(D).squareRoot()
        var out = [Float](repeating: .nan, count: n * stride)
        let taken = q.withUnsafeBufferPointer { qb in
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    bf16Attention(queries: qb.baseAddress!, keys: kb.baseAddress!, values: vb.baseAddress!, rows: n, heads: heads,
                                  headDim: D, stride: stride, scale: scale, into: &out)
                }
            }
        }
        XCTAssertTrue(taken)
        let qr = q.map { Double(bf16Rounded($0)) }, kr = k.map { Double(bf16Rounded($0)) }, vr = v.map { Double(bf16Rounded($0)) }
        let gamma = Double(D) * 0x1p-24, weightRounding = 0x1p-8 + 1e-6
        var failures = 0
        for h in 0..<heads {
            for i in 0..<n {
                // Scores, and per key the bound on its f32 score's error (in the exponent).
                var scores = [Double](repeating: 0, count: n), scoreErrors = [Double](repeating: 0, count: n)
                for j in 0..<n {
                    var s = 0.0, magnitude = 0.0
                    for t in 0..<D {
                        let p = qr[i * stride + h * D + t] * kr[j * stride + h * D + t]
                        s += p
                        magnitude += abs(p)
                    }
                    scores[j] = s * Double(scale)
                    scoreErrors[j] = gamma * magnitude * Double(scale)
                }
                let top = scores.max()!
                let p = scores.map { exp($0 - top) }, sum = p.reduce(0, +)
                for t in 0..<D {
                    let column = h * D + t
                    var o = 0.0
                    for j in 0..<n { o += p[j] * vr[j * stride + column] }
                    o /= sum
                    var spreadBound = 0.0, magnitude = 0.0, worstRelative = 0.0
                    for j in 0..<n {
                        let e = weightRounding + 2 * scoreErrors[j]
                        worstRelative = max(worstRelative, e)
                        spreadBound += p[j] * e * abs(vr[j * stride + column] - o)
                        magnitude += p[j] * abs(vr[j * stride + column])
                    }
                    // The weight errors, then f32 sums of n products (worst case).
                    let bound = spreadBound / (sum * (1 - worstRelative)) + Double(n + D) * 0x1p-24 * magnitude / sum + 1e-30
                    let got = Double(out[i * stride + column])
                    if !(abs(got - o) <= bound) {
                        failures += 1
                        if failures <= 5 {
                            XCTFail("\(n) rows, \(heads)×\(D), spread \(spread): row \(i) head \(h) dim \(t): \(got) vs \(o) (bound \(bound))")
                        }
                    }
                }
            }
        }
        // Columns past the heads are not written.
        for i in 0..<n {
            for column in (heads * D)..<stride where !out[i * stride + column].isNaN {
                XCTFail("row \(i) column \(column) was written")
                return
            }
        }
    }
}
