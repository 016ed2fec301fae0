import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// The AVX2 kernels against the portable Swift kernels (the reference path) and the
/// gguf-py fixtures. The AVX2 kernels compute the same exact integer block sums and then
/// evaluate the portable kernels' Float expressions in the same order, so the two paths
/// must agree bit for bit (a stronger check than the 1e-5 of Σ|w·a| both must meet against
/// the float64 reference); rows whose scales make every Float exact must also equal the
/// integer reference.
final class AVX2DotProductTests: XCTestCase {
    static let relativeTolerance = 1e-5

    /// The quantized weight types with an AVX2 kernel (all of them).
    static let quantizedTypes: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx2, "this CPU has no AVX2/FMA/F16C")
    }

    func testEveryQuantizedTypeHasAnAVX2Kernel() {
        for type in Self.quantizedTypes {
            XCTAssertNotNil(rowsKernel(type, path: .avx2), "\(type)")
            XCTAssertNil(rowsKernel(type, path: .portable), "\(type)")
        }
        for type in [GGMLType.f32, .f16, .bf16] { XCTAssertNil(rowsKernel(type, path: .avx2)) }
        XCTAssertEqual(KernelPath.supported.suffix(2), [.avx2, .portable])
    }

    /// Every fixture row, both activation inputs: AVX2 vs portable vs the float64 reference.
    func testFixtureRowsMatchPortableAndReference() throws {
        let fixtures = try QuantFixtures.load()
        var typesSeen = Set<GGMLType>()
        for input in fixtures.activations {
            let x = try QuantFixtures.floats(input.input)
            for dotCase in fixtures.dots {
                let c = try XCTUnwrap(fixtures.dequantCase(dotCase.case))
                let type = try XCTUnwrap(GGMLType(ggmlName: c.type))
                guard Self.quantizedTypes.contains(type), c.columns <= x.count else { continue }
                typesSeen.insert(type)
                let raw = try QuantFixtures.bytes(c.blocks)
                let values = try QuantFixtures.floats(c.values)
                let activations = QuantizedActivations(Array(x[0..<c.columns]), for: type)
                let a = activations.withUnsafeBytes { dequantize(activations.format.storageType, $0) }
                let rowBytes = type.rowBytes(count: c.columns)!
                for r in 0..<dotCase.rows {
                    let row = Array(raw[(r * rowBytes)..<((r + 1) * rowBytes)])
                    let (avx2, portable) = bothPaths(row, type, activations)
                    let magnitude = zip(values[(r * c.columns)..<((r + 1) * c.columns)], a)
                        .reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                    XCTAssertGreaterThan(magnitude, 0)
                    XCTAssertLessThanOrEqual(abs(Double(avx2) - Double(portable)) / magnitude, Self.relativeTolerance,
                                             "\(c.name) row \(r) (\(input.name)): AVX2 \(avx2), portable \(portable)")
                    XCTAssertEqual(avx2.bitPattern, portable.bitPattern,
                                   "\(c.name) row \(r) (\(input.name)): AVX2 \(avx2), portable \(portable) not bit-identical")
                    if input.name == "random" {
                        let error = abs(Double(avx2) - dotCase.expected[r]) / dotCase.magnitude[r]
                        XCTAssertLessThanOrEqual(error, Self.relativeTolerance,
                                                 "\(c.name) row \(r): AVX2 \(avx2), reference \(dotCase.expected[r])")
                    }
                }
            }
        }
        // Q2_K/Q3_K/Q5_K/Q4_1/Q5_1 only have random fixture rows; all must be present.
        XCTAssertEqual(typesSeen, Set(Self.quantizedTypes))
    }

    /// Random bytes as codes (scales included), every block scale set to 1 and activations
    /// with scale 1 and small codes: every block sum and every partial sum is an exact Float,
    /// so AVX2, portable and the integer reference must agree bit for bit. A wrong code,
    /// bit or sub-block scale anywhere shows up as an integer difference.
    func testExactIntegerSumsOnRandomRows() throws {
        var generator = SplitMix64(seed: 0xA7_2D07)
        for type in Self.quantizedTypes {
            let format = ActivationFormat(pairedWith: type)
            // Codes and counts keep every partial sum below 2²⁴ (Q6_K: 256·128·32·8 per block).
            for (count, range) in [(256, 8), (1024, 2), (2048, 1)] where count % type.blockSize == 0 {
                for trial in 0..<4 {
                    let row = Self.randomRow(type, count: count, scale: 0x3C00, &generator)
                    let activations = Self.unitActivations(format, count: count, range: range, &generator)
                    let (avx2, portable) = bothPaths(row, type, activations)
                    let reference = Self.integerReference(row, type, activations)
                    XCTAssertEqual(Double(portable), reference, "\(type) n=\(count) trial \(trial): portable")
                    XCTAssertEqual(Double(avx2), reference, "\(type) n=\(count) trial \(trial): AVX2")
                }
            }
        }
    }

    /// Random rows with realistic scales and Gaussian activations quantized as in inference.
    func testRandomRowsWithinTolerance() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for type in Self.quantizedTypes {
            for count in [256, 640, 1152, 2048, 5376] where count % type.blockSize == 0 {
                let x = (0..<count).map { _ in generator.nextGaussian() * 3 }
                let activations = QuantizedActivations(x, for: type)
                let a = activations.withUnsafeBytes { dequantize(activations.format.storageType, $0) }
                for _ in 0..<3 {
                    let row = Self.randomRow(type, count: count, scale: nil, &generator)
                    let (avx2, portable) = bothPaths(row, type, activations)
                    let w = row.withUnsafeBytes { dequantize(type, $0) }
                    let magnitude = zip(w, a).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                    XCTAssertTrue(avx2.isFinite)
                    XCTAssertLessThanOrEqual(abs(Double(avx2) - Double(portable)), Self.relativeTolerance * magnitude,
                                             "\(type) n=\(count): AVX2 \(avx2), portable \(portable)")
                    XCTAssertEqual(avx2.bitPattern, portable.bitPattern, "\(type) n=\(count): AVX2 \(avx2), portable \(portable)")
                }
            }
        }
    }

    /// The threaded matVec on both paths over a matrix of random rows, every row checked.
    func testMatVecPathsAgree() throws {
        var generator = SplitMix64(seed: 77)
        for type in Self.quantizedTypes {
            let n = 512, rowCount = 301
            let rowBytes = type.rowBytes(count: n)!
            var matrix = [UInt8]()
            for _ in 0..<rowCount { matrix += Self.randomRow(type, count: n, scale: nil, &generator) }
            XCTAssertEqual(matrix.count, rowCount * rowBytes)
            let x = (0..<n).map { _ in generator.nextGaussian() }
            var results: [[Float]] = []
            for path in [KernelPath.avx2, .portable] {
                var y = [Float](repeating: .nan, count: rowCount)
                KernelPath.with(path) {
                    matrix.withUnsafeBytes { m in
                        x.withUnsafeBufferPointer { xb in
                            y.withUnsafeMutableBufferPointer {
                                matVec(rows: m, type: type, rowCount: rowCount, rowLength: n, x: xb, into: $0)
                            }
                        }
                    }
                }
                results.append(y)
            }
            let activations = QuantizedActivations(x, for: type)
            for r in 0..<rowCount {
                let row = Array(matrix[(r * rowBytes)..<((r + 1) * rowBytes)])
                let (single, _) = bothPaths(row, type, activations)
                XCTAssertEqual(results[0][r], single, "\(type) row \(r): matVec and single-row AVX2 differ")
                XCTAssertEqual(results[0][r].bitPattern, results[1][r].bitPattern, "\(type) row \(r): \(results[0][r]) vs \(results[1][r])")
            }
        }
    }

    func testEnvironmentOverride() {
        XCTAssertEqual(KernelPath.resolve(environment: nil, supported: [.avx2, .portable]), .avx2)
        XCTAssertEqual(KernelPath.resolve(environment: "portable", supported: [.avx2, .portable]), .portable)
        XCTAssertEqual(KernelPath.resolve(environment: "PORTABLE", supported: [.avx2, .portable]), .portable)
        XCTAssertEqual(KernelPath.resolve(environment: "avx2", supported: [.portable]), .portable)
        XCTAssertEqual(KernelPath.resolve(environment: "auto", supported: [.avx2, .portable]), .avx2)
        XCTAssertEqual(KernelPath.resolve(environment: "", supported: [.portable]), .portable)
    }

    // MARK: Helpers

    /// The dot of one row on the AVX2 and on the portable path.
    private func bothPaths(_ row: [UInt8], _ type: GGMLType, _ activations: QuantizedActivations) -> (Float, Float) {
        let avx2 = KernelPath.with(.avx2) { row.withUnsafeBytes { dot(row: $0, type: type, activations: activations) } }
        let portable = KernelPath.with(.portable) { row.withUnsafeBytes { dot(row: $0, type: type, activations: activations) } }
        return (avx2, portable)
    }

    /// Byte offsets of the f16 scale fields in a block of `type`.
    static func scaleOffsets(_ type: GGMLType) -> [Int] {
        switch type {
        case .q4_0, .q5_0, .q8_0: return [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
        case .q2_K: return [80, 82]
        case .q3_K: return [108]
        case .q6_K: return [208]
        default: return []
        }
    }

    /// Random bytes for every code, packed scale and bit; the f16 scales set to `scale`
    /// (a bit pattern) or, when nil, to random values in [2⁻¹⁰, 2⁻⁵).
    static func randomRow(_ type: GGMLType, count: Int, scale: UInt16?, _ g: inout SplitMix64) -> [UInt8] {
        let blockBytes = type.blockBytes
        var row = (0..<type.rowBytes(count: count)!).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        for b in 0..<(count / type.blockSize) {
            for offset in scaleOffsets(type) {
                let value = scale ?? floatToHalf(Float(0x1p-10 * (1 + 31 * g.nextUniform())))
                row[b * blockBytes + offset] = UInt8(value & 0xFF)
                row[b * blockBytes + offset + 1] = UInt8(value >> 8)
            }
        }
        return row
    }

    /// Activation blocks of `format` with scale 1 and codes in −range…range, sums consistent.
    static func unitActivations(_ format: ActivationFormat, count: Int, range: Int, _ g: inout SplitMix64) -> QuantizedActivations {
        let codes = (0..<count).map { _ in Int8(Int(g.next() % UInt64(2 * range + 1)) - range) }
        var bytes = [UInt8]()
        func append16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
        switch format {
        case .q8_0, .q8_1:
            for b in 0..<(count / 32) {
                let q = codes[(32 * b)..<(32 * b + 32)]
                append16(0x3C00)
                if format == .q8_1 { append16(floatToHalf(Float(q.reduce(0) { $0 + Int($1) }))) }
                bytes += q.map { UInt8(bitPattern: $0) }
            }
        case .q8_K:
            for b in 0..<(count / 256) {
                let q = codes[(256 * b)..<(256 * b + 256)]
                bytes += [0x00, 0x00, 0x80, 0x3F] // 1.0f
                bytes += q.map { UInt8(bitPattern: $0) }
                for k in 0..<16 {
                    let s = q[(q.startIndex + 16 * k)..<(q.startIndex + 16 * k + 16)].reduce(0) { $0 + Int($1) }
                    append16(UInt16(bitPattern: Int16(s)))
                }
            }
        case .f32:
            preconditionFailure("not an integer format")
        }
        // Round-trip through the public initialiser's storage by building from the bytes.
        return QuantizedActivations(format: format, count: count, bytes: bytes)
    }

    /// Σ w·a in Double from the dequantized row and the activation codes (scale 1).
    static func integerReference(_ row: [UInt8], _ type: GGMLType, _ activations: QuantizedActivations) -> Double {
        let w = row.withUnsafeBytes { dequantize(type, $0) }
        let a = activations.withUnsafeBytes { dequantize(activations.format.storageType, $0) }
        return zip(w, a).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
}
