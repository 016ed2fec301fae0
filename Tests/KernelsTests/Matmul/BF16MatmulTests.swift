import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// The bf16 matrix product of the vision tower (F16/BF16 weights, `vdpbf16ps`) against a
/// float64 reference computed here from the stored weights' exact values and the activations
/// rounded to bf16 by `bf16Bits` (TestSupport: round to nearest even, written from the
/// format's definition, not taken from the code under test): the kernel must give `Σ_k w·a` of
/// exactly those values, up to f32 summation (1e-5 of Σ|w·a|) — F16 weights included, which
/// it keeps exact as two bf16 halves (rounding them to bf16 would be off by ~2⁻⁸ of a term).
/// Against the unrounded f32 activations the only error left is theirs: within
/// Σ|w|·|x − bf16(x)| (at most 2⁻⁸·Σ|w·x|) plus the f32 summation. The rounding of activations
/// is also checked bit for bit (the panel layouts in BF16WeightPanelsTests).
final class BF16MatmulTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx512BF16 && KernelPath.supported.contains(.avx512vnni),
                          "this CPU has no AVX-512 BF16: the bf16 kernel doesn't run here")
    }

    func testF16AndBF16WeightsMatchTheReference() throws {
        // Rows not a multiple of the 32-row panel, tokens not a multiple of the 8-token tile,
        // odd row lengths, several token blocks (k = 4304 gives blocks of 24 tokens, k = 33 of
        // 256); panels with at most 16 rows (the 16 × 16 half tile, then 8-token tiles for the
        // rest: 45, 70, 8, 5, 16 and 48 rows).
        let shapes = [(45, 512, 7), (32, 64, 8), (3, 37, 1), (70, 1152, 13), (8, 4304, 50), (5, 33, 300), (1, 1, 3),
                      (16, 64, 40), (48, 100, 24)]
        for type in [GGMLType.f16, .bf16] {
            for (i, (rows, columns, tokens)) in shapes.enumerated() {
                try KernelPath.with(.avx512vnni) {
                    try check(type, rows: rows, columns: columns, tokens: tokens, seed: UInt64(17 * i + 3))
                }
            }
        }
    }

    /// Activations round to nearest even, ties included, and rows are padded with zeros.
    func testActivationsRoundToNearestEven() {
        var rng = SplitMix64(seed: 9)
        let rows = 11, count = 45
        var x = (0..<(rows * count)).map { _ in rng.nextGaussian() * 3 }
        // Exact ties (the low 16 bits 0x8000), both parities of the kept part, and values that
        // round up into the next binade.
        for i in stride(from: 0, to: x.count, by: 3) { x[i] = Float(bitPattern: (x[i].bitPattern & 0xFFFF_0000) | 0x8000) }
        x[1] = Float(bitPattern: 0x3F7F_FFFF)
        x[2] = -Float(bitPattern: 0x3FFF_8000)
        let activations = x.withUnsafeBufferPointer { BF16Activations($0.baseAddress!, rows: rows, count: count) }
        XCTAssertEqual(activations.pairs, 23)
        XCTAssertEqual(activations.tokens, 16)
        for t in 0..<activations.tokens {
            let row = activations.row(t).assumingMemoryBound(to: UInt16.self)
            for k in 0..<(2 * activations.pairs) {
                let expected: UInt16 = t < rows && k < count ? bf16Bits(x[t * count + k]) : 0
                XCTAssertEqual(row[k], expected, "token \(t) value \(k): \(t < rows && k < count ? x[t * count + k] : 0)")
            }
        }
    }

    func testOtherTypesAndPathsAreDeclined() {
        for type in [GGMLType.f32, .q8_0, .q4_0, .q4_K, .q6_K] {
            XCTAssertFalse(bf16MatmulSupports(type, path: .avx512vnni), "\(type)")
            var y = [Float](repeating: 7, count: 4)
            let x = [Float](repeating: 1, count: 4 * 256)
            let w = [UInt8](repeating: 0, count: type.rowBytes(count: 256)!)
            let taken = w.withUnsafeBytes { wb in
                x.withUnsafeBufferPointer { bf16Matmul(weights: wb.baseAddress!, type: type, rowCount: 1, rowLength: 256,
                                                       $0.baseAddress!, rows: 4, into: &y) }
            }
            XCTAssertFalse(taken, "\(type)")
            XCTAssertEqual(y, [7, 7, 7, 7], "\(type): nothing written")
        }
        for type in [GGMLType.f16, .bf16] {
            XCTAssertTrue(bf16MatmulSupports(type, path: .avx512vnni), "\(type)")
            XCTAssertFalse(bf16MatmulSupports(type, path: .avx2), "\(type)")
            XCTAssertFalse(bf16MatmulSupports(type, path: .portable), "\(type)")
        }
    }

    /// Random weights (f16 with some subnormals, or bf16 of Gaussian floats), Gaussian
    /// activations with outliers; every output against the float64 sum of the stored weights
    /// times the bf16 activations, and against the float64 sum with the f32 activations within
    /// the activations' own rounding.
    private func check(_ type: GGMLType, rows: Int, columns: Int, tokens: Int, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let (bytes, w) = randomWeights(type, count: rows * columns, rng: &rng)
        var x = (0..<(tokens * columns)).map { _ in rng.nextGaussian() }
        for i in stride(from: 5, to: x.count, by: 97) { x[i] *= 20 }
        var y = [Float](repeating: .nan, count: tokens * rows)
        let taken = bytes.withUnsafeBytes { wb in
            x.withUnsafeBufferPointer { bf16Matmul(weights: wb.baseAddress!, type: type, rowCount: rows, rowLength: columns,
                                                   $0.baseAddress!, rows: tokens, into: &y) }
        }
        XCTAssertTrue(taken, "\(type)")
        let wd = w.map(Double.init), xd = x.map(Double.init), xb = x.map { Double(bf16Value(bf16Bits($0))) }
        for t in 0..<tokens {
            for r in 0..<rows {
                var exact = 0.0, magnitude = 0.0, unrounded = 0.0, unroundedMagnitude = 0.0, activationError = 0.0
                for k in 0..<columns {
                    let wk = wd[r * columns + k], xk = xd[t * columns + k], bk = xb[t * columns + k]
                    exact += wk * bk
                    magnitude += abs(wk * bk)
                    unrounded += wk * xk
                    unroundedMagnitude += abs(wk * xk)
                    activationError += abs(wk) * abs(bk - xk)
                }
                let got = Double(y[t * rows + r])
                XCTAssertLessThanOrEqual(abs(got - exact), 1e-5 * magnitude + 1e-30,
                                         "\(type) \(rows)×\(columns)·\(tokens): token \(t) row \(r): \(got) vs \(exact)")
                XCTAssertLessThanOrEqual(activationError, 0x1p-8 * unroundedMagnitude, "bf16 rounds within 2⁻⁸")
                XCTAssertLessThanOrEqual(abs(got - unrounded), activationError + 1e-5 * magnitude + 1e-30,
                                         "\(type) \(rows)×\(columns)·\(tokens): token \(t) row \(r): \(got) vs \(unrounded) (f32 x)")
            }
        }
    }
}

/// `count` random weights stored as `type` (F16: Gaussian·0.1, every 13th a subnormal half;
/// BF16: Gaussian floats cut to their top half) and their exact f32 values.
func randomWeights(_ type: GGMLType, count: Int, rng: inout SplitMix64) -> (bytes: [UInt8], values: [Float]) {
    var bytes: [UInt8] = [], values: [Float] = []
    for i in 0..<count {
        let bits: UInt16
        if type == .f16 {
            bits = i % 13 == 5 ? UInt16(truncatingIfNeeded: rng.next()) & 0x83FF : (Float16(rng.nextGaussian() * 0.1)).bitPattern
            values.append(Float(Float16(bitPattern: bits)))
        } else {
            bits = UInt16(rng.nextGaussian().bitPattern >> 16)
            values.append(Float(bitPattern: UInt32(bits) << 16))
        }
        bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8)]
    }
    return (bytes, values)
}
