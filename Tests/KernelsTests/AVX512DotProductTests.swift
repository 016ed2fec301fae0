import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// The AVX-512 decode rows (Q4_K and Q6_K, `KernelsAVX512/AVX512KQuantRows.swift`) against
/// the portable kernels and the integer reference. Like the AVX2 kernels they compute exact
/// integer block sums and the portable Float expression in the same order, so all three
/// paths must agree bit for bit; the other formats fall back to the AVX2 rows.
final class AVX512DotProductTests: XCTestCase {
    static let types: [GGMLType] = [.q4_K, .q6_K]

    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx512VNNI, "this CPU has no AVX-512 VNNI")
    }

    /// Rows whose scales make every Float exact: AVX-512, portable and the integer
    /// reference agree exactly, on lengths with and without a multiple of four blocks (the
    /// kernel reduces four super-blocks at a time).
    func testExactIntegerSumsOnRandomRows() throws {
        var generator = SplitMix64(seed: 0xA5_12)
        for type in Self.types {
            for (count, range) in [(256, 8), (1024, 2), (1280, 2), (2048, 1), (2304, 1)] {
                for trial in 0..<4 {
                    let row = AVX2DotProductTests.randomRow(type, count: count, scale: 0x3C00, &generator)
                    let activations = AVX2DotProductTests.unitActivations(.q8_K, count: count, range: range, &generator)
                    let reference = AVX2DotProductTests.integerReference(row, type, activations)
                    XCTAssertEqual(Double(dot(row, type, activations, .avx512vnni)), reference, "\(type) n=\(count) trial \(trial)")
                    XCTAssertEqual(Double(dot(row, type, activations, .portable)), reference, "\(type) n=\(count) trial \(trial): portable")
                }
            }
        }
    }

    /// Realistic scales and Gaussian activations: bit-identical to the portable path.
    func testRandomRowsBitIdenticalToPortable() throws {
        var generator = SplitMix64(seed: 0x0512_5EED)
        for type in Self.types {
            for count in [256, 768, 1024, 2560, 10240] {
                let x = (0..<count).map { _ in generator.nextGaussian() * 3 }
                let activations = QuantizedActivations(x, for: type)
                for trial in 0..<3 {
                    let row = AVX2DotProductTests.randomRow(type, count: count, scale: nil, &generator)
                    let fast = dot(row, type, activations, .avx512vnni), portable = dot(row, type, activations, .portable)
                    XCTAssertTrue(fast.isFinite)
                    XCTAssertEqual(fast.bitPattern, portable.bitPattern, "\(type) n=\(count) trial \(trial): \(fast) vs \(portable)")
                }
            }
        }
    }

    /// The gguf-py fixture rows (quantized by the reference implementation).
    func testFixtureRowsMatchPortable() throws {
        let fixtures = try QuantFixtures.load()
        var seen = Set<GGMLType>()
        for input in fixtures.activations {
            let x = try QuantFixtures.floats(input.input)
            for dotCase in fixtures.dots {
                let c = try XCTUnwrap(fixtures.dequantCase(dotCase.case))
                let type = try XCTUnwrap(GGMLType(ggmlName: c.type))
                guard Self.types.contains(type), c.columns <= x.count else { continue }
                seen.insert(type)
                let raw = try QuantFixtures.bytes(c.blocks)
                let activations = QuantizedActivations(Array(x[0..<c.columns]), for: type)
                let rowBytes = type.rowBytes(count: c.columns)!
                for r in 0..<dotCase.rows {
                    let row = Array(raw[(r * rowBytes)..<((r + 1) * rowBytes)])
                    let fast = dot(row, type, activations, .avx512vnni), portable = dot(row, type, activations, .portable)
                    XCTAssertEqual(fast.bitPattern, portable.bitPattern, "\(c.name) row \(r) (\(input.name)): \(fast) vs \(portable)")
                }
            }
        }
        XCTAssertEqual(seen, Set(Self.types))
    }

    /// The threaded mat-vec on the AVX-512 path equals the portable one row for row.
    func testMatVecMatchesPortable() throws {
        var generator = SplitMix64(seed: 0x512)
        for type in Self.types {
            let n = 1280, rowCount = 97
            var matrix = [UInt8]()
            for _ in 0..<rowCount { matrix += AVX2DotProductTests.randomRow(type, count: n, scale: nil, &generator) }
            let x = (0..<n).map { _ in generator.nextGaussian() }
            var results: [[Float]] = []
            for path in [KernelPath.avx512vnni, .portable] {
                var y = [Float](repeating: .nan, count: rowCount)
                KernelPath.with(path) {
                    matrix.withUnsafeBytes { m in
                        x.withUnsafeBufferPointer { xb in
                            y.withUnsafeMutableBufferPointer { matVec(rows: m, type: type, rowCount: rowCount, rowLength: n, x: xb, into: $0) }
                        }
                    }
                }
                results.append(y)
            }
            XCTAssertEqual(results[0].map(\.bitPattern), results[1].map(\.bitPattern), "\(type)")
        }
    }

    private func dot(_ row: [UInt8], _ type: GGMLType, _ activations: QuantizedActivations, _ path: KernelPath) -> Float {
        KernelPath.with(path) { row.withUnsafeBytes { Kernels.dot(row: $0, type: type, activations: activations) } }
    }
}
