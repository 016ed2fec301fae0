import Foundation
import GGUF
import TestSupport
import XCTest

/// Tests/Fixtures/quant, written by Tools/make_quant_fixtures.py from gguf-py and numpy
/// (never from the Swift code under test). See that script for what each entry means.
struct QuantFixtures: Decodable {
    struct Activation: Decodable {
        let name: String
        let count: Int
        let input: String
        let Q8_0: String
        let Q8_1: String
        let Q8_K: String

        func blocksFile(_ format: String) -> String {
            switch format {
            case "Q8_0": return Q8_0
            case "Q8_1": return Q8_1
            default: return Q8_K
            }
        }
    }

    struct Dequant: Decodable {
        let name: String
        let type: String
        let rows: Int
        let columns: Int
        let source: String
        let blocks: String
        let values: String
    }

    struct Dot: Decodable {
        let `case`: String
        let activation: String
        let rows: Int
        let expected: [Double]
        let exactExpected: [Double]
        let magnitude: [Double]
    }

    struct Checksum: Decodable {
        let tensor: String
        let type: String
        let count: Int
        let hash: String
        let sum: Double
    }

    struct Samples: Decodable {
        let bits: [UInt16]
        let floatBits: [UInt32]
    }

    let activations: [Activation]
    let dequant: [Dequant]
    let dots: [Dot]
    let modelChecksums: [Checksum]
    let halfSamples: Samples
    let bfloatSamples: Samples

    static func load() throws -> QuantFixtures {
        let data = try Data(contentsOf: TestEnvironment.fixture("quant/manifest.json"))
        return try JSONDecoder().decode(QuantFixtures.self, from: data)
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: TestEnvironment.fixture("quant/" + file)))
    }

    /// A file of little-endian float32 values.
    static func floats(_ file: String) throws -> [Float] {
        let raw = try bytes(file)
        precondition(raw.count % 4 == 0)
        return (0..<raw.count / 4).map { i in
            Float(bitPattern: UInt32(raw[4 * i]) | UInt32(raw[4 * i + 1]) << 8 | UInt32(raw[4 * i + 2]) << 16 | UInt32(raw[4 * i + 3]) << 24)
        }
    }

    func dequantCase(_ name: String) -> Dequant? { dequant.first { $0.name == name } }
}

extension GGMLType {
    /// The type named as gguf-py / ggml spell it ("Q4_K").
    init?(ggmlName: String) {
        guard let t = GGMLType.allCases.first(where: { $0.name == ggmlName }) else { return nil }
        self = t
    }
}

/// The checksum the fixture script computes over float32 bit patterns (see its docstring):
/// exact and independent of order, so any differing value changes it.
func fixtureHash(_ values: UnsafeBufferPointer<Float>) -> UInt64 {
    var h: UInt64 = 0
    for (i, v) in values.enumerated() {
        var m = UInt64(v.bitPattern) &* 0xBF58_476D_1CE4_E5B9
        m ^= m >> 31
        h &+= m &* ((UInt64(i) &* 0x9E37_79B9_7F4A_7C15) | 1)
    }
    return h
}
