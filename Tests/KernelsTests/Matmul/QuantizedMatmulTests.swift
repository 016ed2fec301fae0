import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// The quantized matrix product of prompt processing against a float64 reference computed
/// here from the dequantized weights (`dequantize`, checked against gguf-py) and activations
/// quantized as llama.cpp does on x86 (Q8_K: ggml's reference quantizer, checked byte for byte
/// against ggml; Q8_0: `x86Q8_0` below): the kernels must give `Σ_k w·a` of exactly those
/// values, up to Float rounding (1e-5 of Σ|w·a|).
final class QuantizedMatmulTests: XCTestCase {
    static let types: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    /// The paths with matrix kernels on this CPU, and the types each takes.
    static var kernelPaths: [(KernelPath, [GGMLType])] {
        KernelPath.supported.compactMap { path in
            switch path {
            case .avx512vnni, .avxvnni: return (path, types)
            case .avx2: return (path, types.filter { $0 != .q8_0 })
            case .portable: return nil
            }
        }
    }

    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx2, "this CPU has no AVX2: the matrix kernels don't run here")
    }

    func testEverySupportedTypeMatchesTheReference() throws {
        // Rows not a multiple of the 32-row panel, tokens not a multiple of the 4-token tile.
        for (path, types) in Self.kernelPaths {
            try KernelPath.with(path) {
                for type in types {
                    for (rows, tokens) in [(45, 7), (32, 4), (3, 1), (70, 13)] {
                        try check(type, rows: rows, columns: 512, tokens: tokens, seed: UInt64(rows * 100 + tokens), path: path)
                    }
                }
            }
        }
    }

    func testTypesWithoutAKernelAreDeclined() {
        for (path, taken) in Self.kernelPaths {
            KernelPath.with(path) {
                for type in GGMLType.allCases where ![.q8_1, .q8_K].contains(type) {
                    let expected = taken.contains(type)
                    XCTAssertEqual(quantizedMatmulSupports(type), expected, "\(path) \(type)")
                    guard !expected else { continue }
                    var y = [Float](repeating: 7, count: 4)
                    let x = [Float](repeating: 1, count: 4 * 256)
                    let w = [UInt8](repeating: 0, count: type.rowBytes(count: 256)!)
                    let done = w.withUnsafeBytes { wb in
                        x.withUnsafeBufferPointer { quantizedMatmul(weights: wb.baseAddress!, type: type, rowCount: 1, rowLength: 256,
                                                                    $0.baseAddress!, rows: 4, into: &y) }
                    }
                    XCTAssertFalse(done, "\(path) \(type)")
                    XCTAssertEqual(y, [7, 7, 7, 7], "\(path) \(type): nothing written")
                }
            }
        }
        for type in Self.types { XCTAssertFalse(quantizedMatmulSupports(type, path: .portable), "\(type)") }
    }

    func testPathsOnThisCPU() throws {
        try XCTSkipUnless(CPUFeatures.avx512VNNI, "this CPU has no AVX-512 VNNI")
        XCTAssertEqual(KernelPath.supported, [.avx512vnni] + (CPUFeatures.avxVNNI ? [.avxvnni] : []) + [.avx2, .portable])
        XCTAssertEqual(KernelPath.resolve(environment: "avx512vnni", supported: KernelPath.supported), .avx512vnni)
        XCTAssertEqual(KernelPath.resolve(environment: "avx512vnni", supported: [.avx2, .portable]), .portable)
        XCTAssertEqual(KernelPath.resolve(environment: nil, supported: KernelPath.supported), .avx512vnni)
    }

    /// AVX-VNNI sits between AVX-512 VNNI and AVX2, and is asked for by name.
    func testAVXVNNIPathOrder() {
        XCTAssertEqual(KernelPath.resolve(environment: nil, supported: [.avxvnni, .avx2, .portable]), .avxvnni)
        XCTAssertEqual(KernelPath.resolve(environment: "AVXVNNI", supported: [.avx512vnni, .avxvnni, .avx2, .portable]), .avxvnni)
        XCTAssertEqual(KernelPath.resolve(environment: "avxvnni", supported: [.avx2, .portable]), .portable)
        XCTAssertEqual(KernelPath.supported.contains(.avxvnni), CPUFeatures.avxVNNI)
        for type in Self.types { XCTAssertTrue(quantizedMatmulSupports(type, path: .avxvnni), "\(type)") }
    }

    /// The AVX-VNNI kernel is the AVX2 kernel with `vpdpbusd` for `vpmaddubsw` + `vpmaddwd`:
    /// the same exact integer sums and Float steps, so the same bits (where both run).
    func testAVXVNNIMatchesAVX2BitForBit() throws {
        try XCTSkipUnless(CPUFeatures.avxVNNI, "this CPU has no AVX-VNNI")
        var rng = SplitMix64(seed: 0xA7_F1)
        for type in Self.types where type != .q8_0 {
            let rows = 45, columns = 512, tokens = 7
            let rowBytes = type.rowBytes(count: columns)!
            let w = (0..<(rows * rowBytes)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var weights = w
            for r in 0..<rows {
                for b in 0..<(columns / type.blockSize) {
                    for offset in AVX2DotProductTests.scaleOffsets(type) {
                        let h = floatToHalf(Float(0x1p-8 * (1 + rng.nextUniform())))
                        weights[r * rowBytes + b * type.blockBytes + offset] = UInt8(h & 0xFF)
                        weights[r * rowBytes + b * type.blockBytes + offset + 1] = UInt8(h >> 8)
                    }
                }
            }
            let x = (0..<(tokens * columns)).map { _ in Float(rng.nextGaussian()) }
            func run(_ path: KernelPath) -> [Float] {
                var y = [Float](repeating: .nan, count: tokens * rows)
                KernelPath.with(path) {
                    let done = weights.withUnsafeBytes { wb in
                        x.withUnsafeBufferPointer { quantizedMatmul(weights: wb.baseAddress!, type: type, rowCount: rows, rowLength: columns,
                                                                    $0.baseAddress!, rows: tokens, into: &y) }
                    }
                    XCTAssertTrue(done, "\(path) \(type)")
                }
                return y
            }
            XCTAssertEqual(run(.avxvnni).map(\.bitPattern), run(.avx2).map(\.bitPattern), "\(type)")
        }
    }

    /// Random weights (random code bytes, sane scales), random activations with a few
    /// outliers; every output against the float64 sum.
    private func check(_ type: GGMLType, rows: Int, columns: Int, tokens: Int, seed: UInt64, path: KernelPath) throws {
        var rng = SplitMix64(seed: seed)
        let weights = randomRows(type, rows: rows, columns: columns, rng: &rng)
        var x = (0..<(tokens * columns)).map { _ in rng.nextGaussian() }
        for i in stride(from: 5, to: x.count, by: 97) { x[i] *= 20 }
        var y = [Float](repeating: .nan, count: tokens * rows)
        let taken = weights.withUnsafeBytes { wb in
            x.withUnsafeBufferPointer { quantizedMatmul(weights: wb.baseAddress!, type: type, rowCount: rows, rowLength: columns,
                                                        $0.baseAddress!, rows: tokens, into: &y) }
        }
        XCTAssertTrue(taken, "\(path) \(type)")
        let format = try XCTUnwrap(PanelFormat(type)).activations
        let w = weights.withUnsafeBytes { dequantize(type, $0) }
        let rowBytes = type.rowBytes(count: columns)!
        XCTAssertEqual(weights.count, rows * rowBytes)
        for t in 0..<tokens {
            let row = x[(t * columns)..<((t + 1) * columns)]
            let a: [Float]
            if format == .q8_0 {
                let (codes, scales) = x86Q8_0(row)
                a = codes.enumerated().map { scales[$0.offset / 32] * Float($0.element) }
            } else {
                let activations = row.withUnsafeBufferPointer { QuantizedActivations($0, format: format) }
                a = activations.withUnsafeBytes { dequantize(format.storageType, $0) }
            }
            for r in 0..<rows {
                var exact = 0.0, magnitude = 0.0
                for k in 0..<columns {
                    let p = Double(w[r * columns + k]) * Double(a[k])
                    exact += p
                    magnitude += abs(p)
                }
                let got = Double(y[t * rows + r])
                XCTAssertLessThanOrEqual(abs(got - exact), 1e-5 * magnitude + 1e-30,
                                         "\(path) \(type) \(rows)×\(columns)·\(tokens): token \(t) row \(r): \(got) vs \(exact)")
            }
        }
    }
}

/// `rows` rows of random blocks of `type` whose f16 scale fields hold small positive values
/// (random bytes there could be inf or NaN).
func randomRows(_ type: GGMLType, rows: Int, columns: Int, rng: inout SplitMix64) -> [UInt8] {
    let blockBytes = type.rowBytes(count: type.blockSize)!
    var bytes = (0..<(rows * columns / type.blockSize * blockBytes)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let halves: [Int]
    switch type {
    case .q4_0, .q5_0, .q8_0: halves = [0]
    case .q4_1, .q5_1, .q4_K, .q5_K: halves = [0, 2]
    case .q6_K: halves = [208]
    default: halves = []
    }
    for b in 0..<(bytes.count / blockBytes) {
        for offset in halves {
            let h = floatToHalf(Float(0.001 + 0.01 * rng.nextUniform()))
            bytes[b * blockBytes + offset] = UInt8(h & 0xFF)
            bytes[b * blockBytes + offset + 1] = UInt8(h >> 8)
        }
    }
    return bytes
}

/// ggml's x86 `quantize_row_q8_0` (AVX2/AVX-512), written from its source: per 32 values
/// `d = amax/127` stored as f16, codes `round-half-even(x·(127/amax))`.
func x86Q8_0(_ x: ArraySlice<Float>) -> (codes: [Int8], scales: [Float]) {
    var codes: [Int8] = [], scales: [Float] = []
    let values = Array(x)
    for b in 0..<(values.count / 32) {
        let block = values[(32 * b)..<(32 * b + 32)]
        let amax = block.map(abs).max()!
        let id: Float = amax != 0 ? 127 / amax : 0
        codes += block.map { Int8(($0 * id).rounded(.toNearestOrEven)) }
        scales.append(Float(Float16(amax / 127)))
    }
    return (codes, scales)
}
