import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// The AVX-512 activation quantizers must give exactly the codes, scales and sums of the
/// portable path — including rounding ties, all-zero blocks and negative extremes — and both
/// the codes of llama.cpp's x86 quantizers (Q8_K: ggml's reference blocks, checked byte for
/// byte against ggml; Q8_0: `x86Q8_0`).
final class MatmulActivationsTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx2, "this CPU has no AVX2: the matrix kernels don't run here")
    }

    func testAVX512QuantizersEqualThePortableOnes() throws {
        try XCTSkipUnless(CPUFeatures.avx512VNNI, "this CPU has no AVX-512 VNNI")
        var rng = SplitMix64(seed: 42)
        let columns = 1024, rows = 9
        var x = (0..<(rows * columns)).map { _ in rng.nextGaussian() }
        // Row 1: one block all zeros; row 2: halves that land exactly on .5 after scaling
        // (amax 127 gives scale 1); row 3: the largest magnitude negative and repeated.
        for k in 0..<256 { x[columns + k] = 0 }
        for k in 0..<columns { x[2 * columns + k] = Float(Int(rng.next() % 255) - 127) / 2 }
        x[2 * columns] = 127
        x[2 * columns + 256] = -127
        x[3 * columns + 3] = -9
        x[3 * columns + 40] = 9
        x[3 * columns + 41] = -9
        for type in QuantizedMatmulTests.types {
            let format = try XCTUnwrap(PanelFormat(type))
            let fast = x.withUnsafeBufferPointer { MatmulActivations($0.baseAddress!, rows: rows, count: columns, format: format) }
            let portable = KernelPath.with(.portable) {
                x.withUnsafeBufferPointer { MatmulActivations($0.baseAddress!, rows: rows, count: columns, format: format) }
            }
            XCTAssertEqual(fast.tokens, 12)
            let groups = fast.tokens * fast.groups
            XCTAssertEqual(Array(UnsafeBufferPointer(start: fast.codes, count: fast.tokens * columns)),
                           Array(UnsafeBufferPointer(start: portable.codes, count: fast.tokens * columns)), "\(type) codes")
            XCTAssertEqual(Array(UnsafeBufferPointer(start: fast.scales, count: groups)).map(\.bitPattern),
                           Array(UnsafeBufferPointer(start: portable.scales, count: groups)).map(\.bitPattern), "\(type) scales")
            XCTAssertEqual(Array(UnsafeBufferPointer(start: fast.offsetSums, count: groups)),
                           Array(UnsafeBufferPointer(start: portable.offsetSums, count: groups)), "\(type) offset sums")
            XCTAssertEqual(Array(UnsafeBufferPointer(start: fast.codeSums, count: groups)).map(\.bitPattern),
                           Array(UnsafeBufferPointer(start: portable.codeSums, count: groups)).map(\.bitPattern), "\(type) min sums")
        }
    }

    /// The group numbers against sums taken here from ggml's blocks: Q8_0 per block, Q8_K per
    /// 16 or 32 values, with the format's offset.
    func testGroupSumsFollowTheFormat() throws {
        var rng = SplitMix64(seed: 7)
        let x = (0..<512).map { _ in rng.nextGaussian() }
        for type in [GGMLType.q5_0, .q6_K, .q4_K] {
            let format = try XCTUnwrap(PanelFormat(type))
            let m = x.withUnsafeBufferPointer { MatmulActivations($0.baseAddress!, rows: 1, count: 512, format: format) }
            let codes: [Int32]
            if format.activations == .q8_0 {
                let (q, scales) = x86Q8_0(x[...])
                codes = q.map(Int32.init)
                for b in 0..<16 { XCTAssertEqual(m.scales[b], scales[b], "\(type) block \(b) scale") }
            } else {
                let blocks = x.withUnsafeBufferPointer { QuantizedActivations($0, format: .q8_K) }
                codes = blocks.withUnsafeBytes { raw in
                    (0..<512).map { Int32(raw.load(fromByteOffset: ($0 / 256) * 292 + 4 + $0 % 256, as: Int8.self)) }
                }
            }
            XCTAssertEqual(codes, (0..<512).map { Int32(m.codes[$0]) }, "\(type) codes")
            for g in 0..<(512 / format.groupSize) {
                let sum = codes[(g * format.groupSize)..<((g + 1) * format.groupSize)].reduce(0, +)
                XCTAssertEqual(m.offsetSums[g], -format.offset * sum, "\(type) group \(g)")
                XCTAssertEqual(m.codeSums[g], Float(sum), "\(type) group \(g)")
            }
        }
    }

    /// Batches quantized on several threads give their memory back: the worker threads once
    /// held the last reference to a batch, and what they freed was never reused (about 1.8 MB
    /// per 512 × 2560 batch: 90 MB over this loop; the bound is a fifth of that).
    func testParallelBatchesGiveTheirMemoryBack() throws {
        try XCTSkipUnless(WorkerThreads.count > 1, "needs worker threads")
        var rng = SplitMix64(seed: 3)
        let (rows, count) = (512, 2560)
        let x = (0..<(rows * count)).map { _ in rng.nextGaussian() }
        let format = try XCTUnwrap(PanelFormat(.q4_K))
        func batches(_ n: Int) {
            for _ in 0..<n { _ = x.withUnsafeBufferPointer { MatmulActivations($0.baseAddress!, rows: rows, count: count, format: format) } }
        }
        batches(5)
        let before = try anonymousKilobytes()
        batches(50)
        let grown = try anonymousKilobytes() - before
        XCTAssertLessThan(grown, 18_000, "anonymous memory grew by \(grown) kB over 50 batches")
    }

    /// The process's anonymous (heap and private) memory, from /proc/self/smaps_rollup.
    private func anonymousKilobytes() throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/smaps_rollup", encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("Anonymous:") })
        return try XCTUnwrap(Int(line.split(separator: " ")[1]))
    }
}
