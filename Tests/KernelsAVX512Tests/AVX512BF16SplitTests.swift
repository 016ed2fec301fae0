import Kernels
import TestSupport
import XCTest
#if arch(x86_64)
import KernelsAVX512
#endif

/// F16 values split into two bf16 halves (`avx512HalvesToBF16Split`, the F16 weights of the
/// bf16 kernel): hi is the value rounded to nearest even (`bf16Bits`, TestSupport), lo the
/// remainder, and hi + lo is the f16 value exactly — for every one of the 63 488 finite f16
/// bit patterns, zeros included, normal and subnormal.
final class AVX512BF16SplitTests: XCTestCase {
    /// The claim itself, from the formats' definitions alone (no AVX-512 needed): for every
    /// finite f16 w, w − bf16(w) is exact in f32 and again a bf16 value, so two bf16 halves
    /// hold w exactly.
    func testEveryFiniteHalfIsTheSumOfTwoBF16Values() {
        var finite = 0
        for bits in 0...UInt16.max {
            let half = Float16(bitPattern: bits)
            guard half.isFinite else { continue }
            finite += 1
            let w = Float(half), hi = bf16Rounded(w)
            let rest = Double(w) - Double(hi)
            XCTAssertEqual(Double(w - hi), rest, "\(bits): w − hi is exact in f32")
            XCTAssertEqual(Double(bf16Rounded(w - hi)), rest, "\(bits): w − hi is a bf16 value")
            XCTAssertEqual(Double(hi) + Double(bf16Rounded(w - hi)), Double(w), "\(bits)")
        }
        XCTAssertEqual(finite, 63_488)
    }

    /// The AVX-512 split of all 65 536 bit patterns in one call: finite values as above, bit
    /// for bit (hi rounded to nearest even, lo = bf16(w − hi), −0 kept in hi); infinities and
    /// NaNs keep their value in hi with a zero lo.
    func testTheKernelSplitsEveryHalf() throws {
        try XCTSkipUnless(CPUFeatures.avx512BF16, "this CPU has no AVX-512 BF16")
        #if arch(x86_64)
        let halves = (0...UInt16.max).map { $0 }
        var hi = [UInt16](repeating: 0xDEAD, count: halves.count), lo = hi
        halves.withUnsafeBytes { avx512HalvesToBF16Split($0.baseAddress!, count: halves.count, hi: &hi, lo: &lo, paddedCount: halves.count) }
        for (i, bits) in halves.enumerated() {
            let w = Float(Float16(bitPattern: bits))
            if w.isFinite {
                XCTAssertEqual(hi[i], bf16Bits(w), "\(bits): hi")
                XCTAssertEqual(lo[i], bf16Bits(w - bf16Value(hi[i])), "\(bits): lo")
                XCTAssertEqual(Double(bf16Value(hi[i])) + Double(bf16Value(lo[i])), Double(w), "\(bits): hi + lo")
            } else {
                let value = bf16Value(hi[i])
                XCTAssertTrue(w.isNaN ? value.isNaN : value == w, "\(bits): hi \(hi[i])")
                XCTAssertEqual(lo[i], 0, "\(bits): lo")
            }
        }
        #endif
    }

    /// Partial vectors at the end and the zero padding after them; nothing written past it.
    func testTailsArePaddedWithZeros() throws {
        try XCTSkipUnless(CPUFeatures.avx512BF16, "this CPU has no AVX-512 BF16")
        #if arch(x86_64)
        var rng = SplitMix64(seed: 21)
        for count in [1, 15, 16, 17, 31, 32, 33, 45, 64, 72] {
            let halves = (0..<count).map { _ in Float16(rng.nextGaussian()).bitPattern }
            let padded = (count + 7) / 8 * 8
            var hi = [UInt16](repeating: 0xDEAD, count: padded + 3), lo = hi
            halves.withUnsafeBytes { avx512HalvesToBF16Split($0.baseAddress!, count: count, hi: &hi, lo: &lo, paddedCount: padded) }
            for i in 0..<(padded + 3) {
                if i < count {
                    let w = Float(Float16(bitPattern: halves[i]))
                    XCTAssertEqual(Double(bf16Value(hi[i])) + Double(bf16Value(lo[i])), Double(w), "\(count): value \(i)")
                } else {
                    let expected: UInt16 = i < padded ? 0 : 0xDEAD
                    XCTAssertEqual(hi[i], expected, "\(count): hi \(i)")
                    XCTAssertEqual(lo[i], expected, "\(count): lo \(i)")
                }
            }
        }
        #endif
    }
}
