import GGUF
import XCTest
@testable import Kernels

final class DotProductTests: XCTestCase {
    /// Relative tolerance against Σ|w·a|. The block integer sums are exact; what differs
    /// from the float64 reference is Float rounding: one or two roundings per block for the
    /// scale products and one per block for the running sum (at most 64 blocks here; 128
    /// lane-sums for F32/F16/BF16), i.e. a bound near 70·2⁻²⁴ ≈ 4e-6 of Σ|w·a|.
    static let relativeTolerance = 1e-5

    /// Each weight row of every type against the fixture's activation vector, quantized by
    /// the Swift quantizer (checked byte for byte elsewhere) in the paired format.
    func testEveryCaseMatchesReference() throws {
        let fixtures = try QuantFixtures.load()
        let random = try XCTUnwrap(fixtures.activations.first { $0.name == "random" })
        let x = try QuantFixtures.floats(random.input)
        var typesSeen = Set<GGMLType>()
        for dotCase in fixtures.dots {
            let c = try XCTUnwrap(fixtures.dequantCase(dotCase.case))
            let type = try XCTUnwrap(GGMLType(ggmlName: c.type))
            typesSeen.insert(type)
            XCTAssertEqual(ActivationFormat(pairedWith: type).description, dotCase.activation, c.name)
            let raw = try QuantFixtures.bytes(c.blocks)
            let activations = QuantizedActivations(Array(x[0..<c.columns]), for: type)
            let rowBytes = type.rowBytes(count: c.columns)!
            for r in 0..<dotCase.rows {
                let got = raw.withUnsafeBytes {
                    dot(row: UnsafeRawBufferPointer(rebasing: $0[(r * rowBytes)..<((r + 1) * rowBytes)]), type: type,
                        activations: activations)
                }
                let want = dotCase.expected[r], scale = dotCase.magnitude[r]
                XCTAssertGreaterThan(scale, 0)
                let error = abs(Double(got) - want) / scale
                XCTAssertLessThanOrEqual(error, Self.relativeTolerance,
                                         "\(c.name) row \(r): got \(got), reference \(want) (Σ|w·a| \(scale))")
            }
        }
        XCTAssertEqual(typesSeen, Set(GGMLType.allCases).subtracting([.q8_1, .q8_K]), "every weight type has a dot case")
    }

    /// Q4_1/Q5_1 × Q8_1 use the activation block's f16 sum `s` for the min term, as
    /// llama.cpp does; against the plain Σ dequant·dequant the error is that f16 rounding:
    /// at most |m|·|s|·2⁻¹¹ per block. Checked loosely so the Q8_1 path is known to be the
    /// llama.cpp one (the reference above models `s`) and not accidentally exact.
    func testQ8_1SumTermIsLlamaCpps() throws {
        let fixtures = try QuantFixtures.load()
        let cases = fixtures.dots.filter { $0.activation == "Q8_1" }
        XCTAssertFalse(cases.isEmpty)
        var differs = false
        for c in cases {
            for r in 0..<c.rows {
                XCTAssertEqual(c.expected[r], c.exactExpected[r], accuracy: 1e-3 * c.magnitude[r])
                if abs(c.expected[r] - c.exactExpected[r]) > 1e-5 * c.magnitude[r] { differs = true }
            }
        }
        XCTAssertTrue(differs, "the fixture should show the f16 rounding of s somewhere")
    }

    func testEmptyAndMismatch() {
        let empty = QuantizedActivations([Float](), for: .q4_K)
        XCTAssertEqual(dot(row: UnsafeRawBufferPointer(start: nil, count: 0), type: .q4_K, activations: empty), 0)
    }

    /// Hand-made blocks with known answers, independent of any fixture.
    func testHandMadeQ8_0Block() {
        // Weight block: d = 0.5 (f16 0x3800), q = 0, 1, …, 31. Activations: all 1.0 → Q8_0
        // d = 1/127, q = 127. Dot = Σ 0.5·i · (127·f16(1/127)) ≈ 0.5·496.
        var w = [UInt8](repeating: 0, count: 34)
        w[0] = 0x00; w[1] = 0x38
        for i in 0..<32 { w[2 + i] = UInt8(i) }
        let a = QuantizedActivations([Float](repeating: 1, count: 32), for: .q8_0)
        let d = halfToFloat(floatToHalf(1 / 127))
        let want = 0.5 * d * 127 * 496
        let got = w.withUnsafeBytes { dot(row: $0, type: .q8_0, activations: a) }
        XCTAssertEqual(got, want, accuracy: 1e-5 * want)
    }
}
