import Foundation
import Kernels
import TestSupport
import XCTest
@testable import Training

/// Each backward kernel against central finite differences of its own forward, in f64
/// (the same generic code the f32 training runs): a wrong term in any derivative shows as a
/// relative error far above 1e-6.
final class GradientKernelTests: XCTestCase {
    private var rng = SplitMix64(seed: 18)

    private func random(_ n: Int, scale: Double = 1) -> [Double] {
        (0..<n).map { _ in (Double(rng.next() % 2_000_001) / 1_000_000 - 1) * scale }
    }

    /// L(x) = Σ c ⊙ f(x): its gradient is the backward of f applied to c.
    private func check(_ n: Int, forward: ([Double]) -> [Double], backward: ([Double], [Double]) -> [Double],
                       file: StaticString = #filePath, line: UInt = #line) {
        let x = random(n), c = random(forward(x).count)
        let analytic = backward(x, c)
        let h = 1e-6
        var worst = 0.0
        for i in 0..<n {
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            let lp = zip(forward(plus), c).map(*).reduce(0, +), lm = zip(forward(minus), c).map(*).reduce(0, +)
            let numeric = (lp - lm) / (2 * h)
            worst = max(worst, abs(numeric - analytic[i]) / max(1e-3, abs(numeric)))
        }
        XCTAssertLessThan(worst, 1e-6, file: file, line: line)
    }

    func testRMSNorm() {
        let n = 12, w = random(n, scale: 2), eps = 1e-6
        check(n, forward: { x in
            var y = [Double](repeating: 0, count: n)
            RMSNormGradient.forward(x, weight: w, count: n, eps: eps, into: &y)
            return y
        }, backward: { x, g in
            var dx = [Double](repeating: 0, count: n)
            RMSNormGradient.backward(x, weight: w, count: n, eps: eps, gradient: g, into: &dx, accumulate: false)
            return dx
        })
    }

    func testGELU() {
        check(9, forward: { $0.map(GELUGradient.value) }, backward: { x, g in zip(x, g).map { GELUGradient.derivative($0) * $1 } })
    }

    func testRotaryInverseIsItsGradient() {
        let D = 8, table = RotaryTable<Double>(dim: D, positions: 5, base: 10_000, scale: 8)
        check(D, forward: { x in
            var y = x
            y.withUnsafeMutableBufferPointer { table.apply($0.baseAddress!, position: 4) }
            return y
        }, backward: { _, g in
            var dx = g
            dx.withUnsafeMutableBufferPointer { table.apply($0.baseAddress!, position: 4, inverse: true) }
            return dx
        })
    }

    /// Grouped-query attention (4 heads on 2 key/value heads) with a sliding window of 3 and
    /// an image block of 3 rows that see each other: the gradient of q, k and v together.
    func testAttention() {
        let n = 7, D = 4, H = 4, Hk = 2
        let mask = TrainingMask(window: 3, imageBlock: [-1, -1, 0, 0, 0, -1, -1])
        XCTAssertTrue(mask.visible(query: 2, key: 4), "an image row sees its image's later rows")
        XCTAssertFalse(mask.visible(query: 1, key: 2), "text does not see ahead")
        XCTAssertFalse(mask.visible(query: 6, key: 3), "outside the window")
        let qn = n * H * D, kn = n * Hk * D
        func split(_ x: [Double]) -> ([Double], [Double], [Double]) {
            (Array(x[0..<qn]), Array(x[qn..<(qn + kn)]), Array(x[(qn + kn)...]))
        }
        check(qn + 2 * kn, forward: { x in
            let (q, k, v) = split(x)
            var a = AttentionGradient<Double>(rows: n, heads: H, kvHeads: Hk, headDim: D, mask: mask)
            var o = [Double](repeating: 0, count: qn)
            a.forward(q: q, k: k, v: v, into: &o)
            return o
        }, backward: { x, g in
            let (q, k, v) = split(x)
            var a = AttentionGradient<Double>(rows: n, heads: H, kvHeads: Hk, headDim: D, mask: mask)
            var o = [Double](repeating: 0, count: qn)
            a.forward(q: q, k: k, v: v, into: &o)
            var dq = q, dk = k, dv = v
            a.backward(q: q, k: k, v: v, dout: g, dq: &dq, dk: &dk, dv: &dv)
            return dq + dk + dv
        })
    }

    /// The LoRA pair's gradients (f32, sgemm) against finite differences of the update in f64.
    func testLoRAPair() {
        let (n, r, inputs, outputs, s) = (5, 3, 6, 4, 1.5)
        let x = random(n * inputs), a = random(r * inputs), b = random(outputs * r), c = random(n * outputs)
        func update(_ x: [Double], _ a: [Double], _ b: [Double]) -> Double {
            var total = 0.0
            for i in 0..<n {
                let t = (0..<r).map { rr in (0..<inputs).map { a[rr * inputs + $0] * x[i * inputs + $0] }.reduce(0, +) }
                for o in 0..<outputs { total += c[i * outputs + o] * s * (0..<r).map { b[o * r + $0] * t[$0] }.reduce(0, +) }
            }
            return total
        }
        var pair = LoRAPair(rank: r, inputs: inputs, outputs: outputs, scale: Float(s), a: a.map(Float.init), b: b.map(Float.init))
        var dx = [Float](repeating: 0, count: n * inputs)
        pair.backward(x.map(Float.init), c.map(Float.init), rows: n, into: &dx)
        var y = [Float](repeating: 0, count: n * outputs)
        pair.forward(x.map(Float.init), rows: n, into: &y)
        XCTAssertEqual(Double(zip(y, c).map { $0 * Float($1) }.reduce(0, +)), update(x, a, b), accuracy: 1e-4)
        func numeric(_ v: [Double], _ f: ([Double]) -> Double) -> [Double] {
            v.indices.map { i in
                var p = v, m = v
                p[i] += 1e-6
                m[i] -= 1e-6
                return (f(p) - f(m)) / 2e-6
            }
        }
        for (got, want) in [(dx, numeric(x) { update($0, a, b) }), (pair.gradientA, numeric(a) { update(x, $0, b) }),
                            (pair.gradientB, numeric(b) { update(x, a, $0) })] {
            for (g, w) in zip(got, want) { XCTAssertEqual(Double(g), w, accuracy: 1e-4 * max(1, abs(w))) }
        }
    }
}
