import Foundation
import GGUF
@testable import Kernels
import TestSupport
import XCTest

/// Weight quantizers against their oracles, byte for byte (Tests/Fixtures/quant/weights, made by
/// Tools/make_weight_quant_fixtures.py): F16, BF16 and Q8_0 against gguf-py's
/// `gguf.quants.quantize`; Q5_0, Q4_K and Q6_K against llama.cpp's `quantize_row_*_ref`
/// compiled from its own source.
final class WeightQuantizeTests: XCTestCase {
    struct Manifest: Decodable {
        struct Case: Decodable {
            let name: String
            let count: Int
            let input: String
            let expected: [String: String]
        }
        let cases: [Case]
    }

    private func data(_ file: String) throws -> Data {
        try Data(contentsOf: TestEnvironment.fixture("quant/weights/" + file))
    }

    private func floats(_ file: String) throws -> [Float] {
        let d = try data(file)
        return d.withUnsafeBytes { raw in (0..<(d.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
    }

    private func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: data("manifest.json"))
    }

    func testEveryTypeMatchesItsReferenceByteForByte() throws {
        let m = try manifest()
        XCTAssertEqual(m.cases.map(\.name), ["weights", "outliers", "edges"])
        for c in m.cases {
            let x = try floats(c.input)
            XCTAssertEqual(x.count, c.count)
            XCTAssertEqual(Set(c.expected.keys), ["F16", "BF16", "Q8_0", "Q5_0", "Q4_K", "Q6_K"])
            for (typeName, file) in c.expected.sorted(by: { $0.key < $1.key }) {
                let type = try XCTUnwrap(GGMLType.allCases.first { $0.name == typeName })
                let ours = quantize(type, x)
                let theirs = [UInt8](try data(file))
                XCTAssertEqual(ours.count, theirs.count, "\(c.name) \(typeName)")
                if let i = (0..<min(ours.count, theirs.count)).first(where: { ours[$0] != theirs[$0] }) {
                    XCTFail("\(c.name) \(typeName): first difference at byte \(i) of block \(i / type.blockBytes)")
                }
            }
        }
    }

    /// dequantize(quantize(x)) stays within each format's resolution of x.
    func testDequantizedValuesAreNearTheOriginals() throws {
        let x = try floats("weights.f32")
        let amax = x.map(abs).max()!
        let bounds: [(GGMLType, Float)] = [(.f32, 0), (.f16, 1e-3), (.bf16, 8e-3), (.q8_0, 0.01), (.q6_K, 0.04), (.q5_0, 0.07), (.q4_K, 0.15)]
        for (type, relative) in bounds {
            let bytes = quantize(type, x)
            let back = bytes.withUnsafeBytes { dequantize(type, $0) }
            let worst = zip(x, back).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(worst, relative * amax, "\(type)")
            if type == .f32 { XCTAssertEqual(back, x) }
        }
    }

    func testNearestIntRoundsHalfToEven() {
        XCTAssertEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999998, -7.5].map { nearestInt(Float($0)) }, [0, 2, 2, 0, -2, 2, -8])
    }
}
