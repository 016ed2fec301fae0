import XCTest
@testable import Kernels

final class HalfFloatTests: XCTestCase {
    /// Every one of the 65 536 half bit patterns against Swift's own `Float16` conversion
    /// (compiler-rt, an independent implementation): exact bits for all non-NaN inputs,
    /// NaN with its sign for the rest. Scalar and bulk forms both.
    func testHalfToFloatIsExactForEveryBitPattern() {
        let all = (0...0xFFFF).map { UInt16($0) }
        var bulk = [Float](repeating: 0, count: all.count)
        all.withUnsafeBytes { src in bulk.withUnsafeMutableBufferPointer { halvesToFloats(src.baseAddress!, count: all.count, into: $0.baseAddress!) } }
        var mismatches = 0
        for h in all {
            let want = Float(Float16(bitPattern: h))
            for got in [halfToFloat(h), bulk[Int(h)]] {
                let ok = want.isNaN ? got.isNaN && got.sign == want.sign : got.bitPattern == want.bitPattern
                if !ok {
                    mismatches += 1
                    if mismatches < 10 { XCTFail("half 0x\(String(h, radix: 16)): got \(got), want \(want)") }
                }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    /// NaN payloads survive, as in numpy's conversion.
    func testHalfNaNKeepsPayload() {
        XCTAssertEqual(halfToFloat(0x7E01).bitPattern, 0x7FC0_2000)
        XCTAssertEqual(halfToFloat(0xFC01).bitPattern, 0xFF80_2000)
    }

    /// Bit patterns converted by numpy (fixture), including subnormals, ±0 and ±inf.
    func testHalfSamplesMatchNumpy() throws {
        let samples = try QuantFixtures.load().halfSamples
        XCTAssertGreaterThan(samples.bits.count, 10)
        for (h, want) in zip(samples.bits, samples.floatBits) {
            XCTAssertEqual(halfToFloat(h).bitPattern, want, "half 0x\(String(h, radix: 16))")
        }
    }

    func testBFloat16SamplesMatchGGUFPy() throws {
        let samples = try QuantFixtures.load().bfloatSamples
        XCTAssertGreaterThan(samples.bits.count, 10)
        var bulk = [Float](repeating: 0, count: samples.bits.count)
        samples.bits.withUnsafeBytes { src in
            bulk.withUnsafeMutableBufferPointer { bfloat16sToFloats(src.baseAddress!, count: samples.bits.count, into: $0.baseAddress!) }
        }
        for (i, (b, want)) in zip(samples.bits, samples.floatBits).enumerated() {
            XCTAssertEqual(bfloat16ToFloat(b).bitPattern, want, "bf16 0x\(String(b, radix: 16))")
            XCTAssertEqual(bulk[i].bitPattern, want)
        }
    }

    /// Narrowing rounds to nearest, ties to even, and round-trips every finite half.
    func testFloatToHalf() {
        for h in UInt16(0)...UInt16.max where (h & 0x7C00) != 0x7C00 {
            XCTAssertEqual(floatToHalf(halfToFloat(h)), h)
        }
        // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties to even → 1.
        XCTAssertEqual(floatToHalf(1 + 0x1p-11), 0x3C00)
        // 1 + 3·2^-11 is halfway between 1+2^-10 (odd) and 1+2^-9 (even) → the even one.
        XCTAssertEqual(floatToHalf(1 + 3 * 0x1p-11), 0x3C02)
        XCTAssertEqual(floatToHalf(70000), 0x7C00)
    }
}
