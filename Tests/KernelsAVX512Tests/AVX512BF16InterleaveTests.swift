import Kernels
import TestSupport
import XCTest
#if arch(x86_64)
import KernelsAVX512
#endif

/// Two f32 rows → bf16 pairs, bit for bit against `bf16Bits` (TestSupport): word i holds
/// a[i] in its low half and b[i] (or zero) in its high half, zeros up to the padding.
final class AVX512BF16InterleaveTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx512BF16, "this CPU has no AVX-512 BF16")
    }

    func testPairsAreInterleavedRoundedValues() {
        #if arch(x86_64)
        var rng = SplitMix64(seed: 3)
        for count in [1, 7, 16, 17, 32, 40, 72] {
            var a = (0..<count).map { _ in rng.nextGaussian() * 3 }
            let b = (0..<count).map { _ in rng.nextGaussian() * 3 }
            // Exact ties of both parities.
            a[0] = Float(bitPattern: 0x3F80_8000)
            if count > 1 { a[1] = Float(bitPattern: 0x3F81_8000) }
            for withB in [true, false] {
                var out = [UInt32](repeating: 0xDEAD_BEEF, count: count + 5)
                b.withUnsafeBufferPointer { bb in
                    avx512InterleaveBF16(a, withB ? bb.baseAddress! : nil, count: count, into: &out, paddedCount: count + 3)
                }
                for i in 0..<count {
                    let high = withB ? UInt32(bf16Bits(b[i])) << 16 : 0
                    XCTAssertEqual(out[i], UInt32(bf16Bits(a[i])) | high, "count \(count) word \(i)")
                }
                XCTAssertEqual(Array(out[count...]), [0, 0, 0, 0xDEAD_BEEF, 0xDEAD_BEEF], "count \(count): padding, then untouched")
            }
        }
        #endif
    }
}
