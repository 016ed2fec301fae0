import XCTest
import TestSupport
@testable import Kernels

/// The f16/f32 row kernels of the attention and its softmax, on every kernel path this CPU
/// supports, against plain Double arithmetic written here.
final class AttentionRowsTests: XCTestCase {
    /// Each test starts from this seed (XCTest makes a fresh instance per test), so a failure,
    /// which names it, happens again on the next run.
    private static let seed: UInt64 = 0xA77E_0002
    private var rng = SplitMix64(seed: seed)

    private func randomFloats(_ n: Int, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in Float.random(in: -scale...scale, using: &rng) }
    }

    /// F16C rounding and the portable conversion agree with Swift's `Float16` (nearest even)
    /// on random values and on the edges: ties, overflow to infinity, subnormals, ±0, NaN.
    func testFloatsToHalvesRoundsToNearestEvenOnEveryPath() {
        var values = randomFloats(1000, scale: 70000)
        values += [0, -0, 1, -1, 65504, 65520, 65519.99, 1e-8, 6.0e-8, 5.9604645e-8, 2.9802322e-8, 1.0009765625, 1.00146484375,
                   .infinity, -.infinity, .nan, Float.greatestFiniteMagnitude, 3.0e-5]
        for path in KernelPath.supported {
            KernelPath.with(path) {
                var halves = [UInt16](repeating: 0, count: values.count)
                values.withUnsafeBufferPointer { src in
                    halves.withUnsafeMutableBufferPointer { floatsToHalves(src.baseAddress!, count: values.count, into: $0.baseAddress!) }
                }
                for (x, h) in zip(values, halves) {
                    let want = Float16(x)
                    if want.isNaN {
                        XCTAssertTrue(Float16(bitPattern: h).isNaN, "\(path), seed \(Self.seed): \(x)")
                    } else {
                        XCTAssertEqual(h, want.bitPattern, "\(path), seed \(Self.seed): \(x)")
                    }
                }
                var back = [Float](repeating: 0, count: values.count)
                halves.withUnsafeBufferPointer { src in
                    back.withUnsafeMutableBufferPointer { widenHalves(src.baseAddress!, count: values.count, into: $0.baseAddress!) }
                }
                for (h, f) in zip(halves, back) where !Float16(bitPattern: h).isNaN {
                    XCTAssertEqual(f.bitPattern, Float(Float16(bitPattern: h)).bitPattern, "\(path), seed \(Self.seed): half 0x\(String(h, radix: 16))")
                }
                var scaled = values
                scaled.withUnsafeMutableBufferPointer { roundToHalves($0.baseAddress!, count: values.count, scale: 0.37) }
                for (x, r) in zip(values, scaled) where !x.isNaN {
                    XCTAssertEqual(r.bitPattern, Float(Float16(0.37 * x)).bitPattern, "\(path), seed \(Self.seed): round \(x)")
                }
            }
        }
    }

    /// Scores and weighted sums over strided f16 and f32 rows, with head sizes that leave
    /// tails after the 16- and 8-wide loops, against Double sums of the same (rounded) values.
    func testRowDotsAndWeightedSumsMatchPlainSums() {
        for dim in [256, 72, 20, 7] {
            let count = 70, stride = dim * 3 + 5, offset = dim + 1
            let rowsF = randomFloats(count * stride, scale: 4)
            let rowsH = rowsF.map { Float16($0).bitPattern }
            let x = randomFloats(dim), w = randomFloats(count)
            let start = randomFloats(dim)
            func value(_ half: Bool, _ j: Int, _ t: Int) -> Double {
                let i = offset + j * stride + t
                return half ? Double(Float(Float16(bitPattern: rowsH[i]))) : Double(rowsF[i])
            }
            for path in KernelPath.supported {
                KernelPath.with(path) {
                    for half in [true, false] {
                        var dots = [Float](repeating: 0, count: count), sums = start
                        if half {
                            rowsH.withUnsafeBufferPointer { r in
                                dotRows(r.baseAddress! + offset, stride: stride, count: count, dim: dim, with: x, into: &dots)
                                accumulateRows(r.baseAddress! + offset, stride: stride, count: count, dim: dim, weights: w, into: &sums)
                            }
                        } else {
                            rowsF.withUnsafeBufferPointer { r in
                                dotRows(r.baseAddress! + offset, stride: stride, count: count, dim: dim, with: x, into: &dots)
                                accumulateRows(r.baseAddress! + offset, stride: stride, count: count, dim: dim, weights: w, into: &sums)
                            }
                        }
                        for j in 0..<count {
                            let want = (0..<dim).reduce(0.0) { $0 + value(half, j, $1) * Double(x[$1]) }
                            XCTAssertEqual(Double(dots[j]), want, accuracy: 1e-4 * Double(dim), "\(path) half \(half) dim \(dim) dot \(j)")
                        }
                        for t in 0..<dim {
                            let want = Double(start[t]) + (0..<count).reduce(0.0) { $0 + Double(w[$1]) * value(half, $1, t) }
                            XCTAssertEqual(Double(sums[t]), want, accuracy: 1e-4 * Double(count), "\(path) half \(half) dim \(dim) sum \(t)")
                        }
                    }
                }
            }
        }
    }

    /// The softmax weights over the visible run, zeros elsewhere, and 1/Σ returned; the
    /// scale multiplies the scores inside the exponential.
    func testSoftmaxWeightsCoverOnlyTheVisibleRun() {
        for (count, visible) in [(1, 0..<1), (9, 2..<7), (40, 0..<40), (40, 39..<40), (100, 3..<97)] {
            for scale: Float in [1, 0.125] {
                let scores = randomFloats(count, scale: 30)
                var row = scores
                let inverse = softmaxWeights(&row, count: count, visible: visible, scale: scale)
                let m = visible.map { Double(scores[$0]) }.max()!
                let e = visible.map { exp(Double(scale) * (Double(scores[$0]) - m)) }
                let total = e.reduce(0, +)
                XCTAssertEqual(Double(inverse), 1 / total, accuracy: 1e-5 / total, "seed \(Self.seed)")
                for j in 0..<count {
                    let want = visible.contains(j) ? e[j - visible.lowerBound] : 0
                    XCTAssertEqual(Double(row[j]), want, accuracy: 1e-6 * max(1, want), "count \(count) visible \(visible) j \(j), seed \(Self.seed)")
                }
            }
        }
    }
}
