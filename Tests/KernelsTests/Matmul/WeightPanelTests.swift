import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// Panel packing: the AVX-512 path (vector unpacking of Q4_K/Q6_K, vector transpose) must lay
/// out exactly what the portable path does, and the portable path must put code k of row r
/// where the kernels read it, with the dequantized value `s·(code − offset) − mn`.
final class WeightPanelTests: XCTestCase {
    func testAVX512PackingEqualsThePortableOne() throws {
        try XCTSkipUnless(CPUFeatures.avx512VNNI, "this CPU has no AVX-512 VNNI")
        var rng = SplitMix64(seed: 11)
        for type in QuantizedMatmulTests.types {
            let format = try XCTUnwrap(PanelFormat(type))
            let columns = 768, rows = 29
            let weights = randomRows(type, rows: rows, columns: columns, rng: &rng)
            let rowBytes = type.rowBytes(count: columns)!
            func packed(_ path: KernelPath) -> ([UInt8], [Float], [Float]) {
                KernelPath.with(path) {
                    let panel = WeightPanel(format: format, rowLength: columns)
                    weights.withUnsafeBytes { panel.pack($0.baseAddress!, rowBytes: rowBytes, count: rows) }
                    return (Array(UnsafeRawBufferPointer(start: panel.codes, count: 32 * columns)),
                            Array(UnsafeBufferPointer(start: panel.scales, count: 32 * panel.groups)),
                            Array(UnsafeBufferPointer(start: panel.mins, count: 32 * panel.groups)))
                }
            }
            let fast = packed(.avx512vnni), portable = packed(.avx2)
            XCTAssertNil(firstDifference(fast.0, portable.0), "\(type) codes")
            XCTAssertNil(firstDifference(fast.1.map(\.bitPattern), portable.1.map(\.bitPattern)), "\(type) scales")
            XCTAssertNil(firstDifference(fast.2.map(\.bitPattern), portable.2.map(\.bitPattern)), "\(type) minimums")
        }
    }

    func testCodesAndScalesGiveBackTheDequantizedValues() throws {
        var rng = SplitMix64(seed: 12)
        for type in QuantizedMatmulTests.types {
            let format = try XCTUnwrap(PanelFormat(type))
            let columns = 512, rows = 5
            let weights = randomRows(type, rows: rows, columns: columns, rng: &rng)
            let expected = weights.withUnsafeBytes { dequantize(type, $0) }
            let panel = WeightPanel(format: format, rowLength: columns)
            KernelPath.with(.portable) {
                weights.withUnsafeBytes { panel.pack($0.baseAddress!, rowBytes: type.rowBytes(count: columns)!, count: rows) }
            }
            let codes = panel.codes.assumingMemoryBound(to: UInt8.self)
            for r in 0..<32 {
                for k in 0..<columns {
                    let code = Float(codes[((k / 4) * 32 + r) * 4 + k % 4])
                    let g = k / format.groupSize
                    let s = panel.scales[g * 32 + r], mn = panel.mins[g * 32 + r]
                    let value = format.hasMins ? s * code - mn : s * (code - Float(format.offset))
                    let want: Float = r < rows ? expected[r * columns + k] : 0
                    XCTAssertEqual(value, want, accuracy: abs(want) * 1e-6, "\(type) row \(r) value \(k)")
                    if value != want && abs(value - want) > abs(want) * 1e-6 { return }
                }
            }
        }
    }
}

/// Where two equally long arrays first differ ("index: a vs b"), nil when they are equal.
func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> String? {
    guard a.count == b.count else { return "\(a.count) vs \(b.count) elements" }
    return zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" }
}
