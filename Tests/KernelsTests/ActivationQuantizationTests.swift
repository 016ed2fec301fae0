import GGUF
import XCTest
@testable import Kernels

final class ActivationQuantizationTests: XCTestCase {
    /// The blocks must be byte-identical to llama.cpp's reference quantizers as restated
    /// in numpy (Q8_0 also by gguf-py's own quantizer). The "special" input holds exact
    /// rounding ties, an all-zero block and a ± tie for the Q8_K max.
    func testBlocksAreByteIdenticalToReference() throws {
        let fixtures = try QuantFixtures.load()
        XCTAssertEqual(fixtures.activations.map(\.name).sorted(), ["random", "special"])
        for input in fixtures.activations {
            let x = try QuantFixtures.floats(input.input)
            XCTAssertEqual(x.count, input.count)
            for format in [ActivationFormat.q8_0, .q8_1, .q8_K] {
                let want = try QuantFixtures.bytes(input.blocksFile(format.description))
                let got = x.withUnsafeBufferPointer { QuantizedActivations($0, format: format) }
                XCTAssertEqual(got.count, x.count)
                XCTAssertEqual(got.bytes.count, want.count, "\(input.name) \(format)")
                let blockBytes = format.storageType.blockBytes
                for (i, (g, w)) in zip(got.bytes, want).enumerated() where g != w {
                    XCTFail("\(input.name) \(format): block \(i / blockBytes) byte \(i % blockBytes): got \(g), reference \(w)")
                    break
                }
            }
        }
    }

    /// The ties in the special input are resolved differently by the two rounding rules:
    /// spelled out here so a failure of the byte test above is easy to read.
    func testTieRounding() {
        var x = [Float](repeating: 0, count: 256)
        x[0] = 127          // d = 1 (Q8_0), iscale = −1 (Q8_K)
        x[1] = 2.5
        x[2] = -2.5
        x[3] = 3.5
        let q80 = x.withUnsafeBufferPointer { QuantizedActivations($0, format: .q8_0) }.bytes
        XCTAssertEqual(Array(q80[2...5]).map { Int8(bitPattern: $0) }, [127, 3, -3, 4], "roundf: half away from zero")
        let q8k = x.withUnsafeBufferPointer { QuantizedActivations($0, format: .q8_K) }.bytes
        XCTAssertEqual(Array(q8k[4...7]).map { Int8(bitPattern: $0) }, [-127, -2, 2, -4], "nearest_int: half to even")
        let d = q8k.withUnsafeBytes { Float(bitPattern: $0.loadUnaligned(as: UInt32.self)) }
        XCTAssertEqual(d, -1)
    }

    func testZeroBlocksAndPairing() {
        let zeros = [Float](repeating: 0, count: 256)
        for format in [ActivationFormat.q8_0, .q8_1, .q8_K] {
            let q = zeros.withUnsafeBufferPointer { QuantizedActivations($0, format: format) }
            XCTAssertTrue(q.bytes.allSatisfy { $0 == 0 }, "\(format)")
        }
        XCTAssertEqual(ActivationFormat(pairedWith: .q5_0), .q8_0)
        XCTAssertEqual(ActivationFormat(pairedWith: .q8_0), .q8_0)
        XCTAssertEqual(ActivationFormat(pairedWith: .q4_1), .q8_1)
        XCTAssertEqual(ActivationFormat(pairedWith: .q6_K), .q8_K)
        XCTAssertEqual(ActivationFormat(pairedWith: .bf16), .f32)
        let f = QuantizedActivations([1, 2, 3], for: .f32)
        XCTAssertEqual(f.bytes.count, 12)
    }

    /// Non-finite input must not trap (the C code's behaviour is undefined there).
    func testNonFiniteInputDoesNotTrap() {
        var x = [Float](repeating: 1, count: 256)
        x[3] = .infinity
        x[9] = .nan
        for format in [ActivationFormat.q8_0, .q8_1, .q8_K] {
            _ = x.withUnsafeBufferPointer { QuantizedActivations($0, format: format) }
        }
    }
}
