import Foundation
import TestSupport
import XCTest
@testable import Kernels

final class ActivationTests: XCTestCase {
    /// `fastExp` against Foundation's double-precision `exp` over the whole useful range,
    /// including the clamped ends: relative error below 4e-7 (about 3 float ulps).
    func testFastExpMatchesDoubleExp() {
        var worst = 0.0
        var x: Float = -87
        while x <= 88 {
            let want = exp(Double(x))
            let got = Double(fastExp(x))
            worst = max(worst, abs(got - want) / want)
            x += 0.0137
        }
        XCTAssertLessThan(worst, 4e-7)
        XCTAssertEqual(fastExp(0), 1)
        // Far outside the range: clamped, finite, no garbage from the exponent bits.
        let low = exp(Double(Float(-87.3))), high = exp(Double(Float(88.3)))
        XCTAssertEqual(Double(fastExp(-1e30)), low, accuracy: low * 1e-6)
        XCTAssertEqual(Double(fastExp(1e30)), high, accuracy: high * 1e-6)
        XCTAssertGreaterThan(fastExp(-1e30), 0)
    }

    /// The vectorised GeGLU against GELU-tanh written from its definition in Double
    /// (0.5·u·(1 + tanh(√(2/π)(u + 0.044715u³))) · v), over values where the tanh saturates
    /// on both sides; count 1003 also covers the loop's tail.
    func testGeluTanhGatedMatchesDefinition() {
        var g = SplitMix64(seed: 11)
        let count = 1003
        let u = (0..<count).map { _ in g.nextGaussian() * 6 }
        let v = (0..<count).map { _ in g.nextGaussian() }
        var out = u
        out.withUnsafeMutableBufferPointer { o in
            v.withUnsafeBufferPointer { geluTanhGated(o.baseAddress!, up: $0.baseAddress!, count: count) }
        }
        for i in 0..<count {
            let x = Double(u[i])
            let want = 0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x))) * Double(v[i])
            XCTAssertEqual(Double(out[i]), want, accuracy: 1e-6 * max(1, abs(want)), "u=\(u[i]) v=\(v[i])")
        }
    }
}
