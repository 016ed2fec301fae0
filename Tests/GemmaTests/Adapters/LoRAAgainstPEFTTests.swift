import Foundation
import XCTest
import Adapters
import TestSupport
@testable import Gemma

/// The tiny Gemma 3 with a rank-4 LoRA on every attention and FFN projection: our logits
/// with the adapter as llama.cpp's `convert_lora_to_gguf.py` wrote it, against PEFT's
/// `PeftModel` in float32 (Tools/make_lora_fixtures.py, Tests/Fixtures/lora/).
final class LoRAAgainstPEFTTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Variant: Decodable {
            let logits: [[Float]]
        }
        struct Sequence: Decodable {
            let ids: [Int32]
            let variants: [String: Variant]

            private struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }

            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: Key.self)
                ids = try c.decode([Int32].self, forKey: Key(stringValue: "ids"))
                var found: [String: Variant] = [:]
                for key in c.allKeys where key.stringValue.hasPrefix("tiny-peft") {
                    found[key.stringValue] = try c.decode(Variant.self, forKey: key)
                }
                variants = found
            }
        }
        let sequences: [Sequence]
    }

    func testGGUFConversionOfThePEFTAdapterGivesPeftModelsLogits() throws {
        let lora = try GGUFLoRAFile(path: TestEnvironment.fixture("lora/tiny-lora.gguf").path)
        XCTAssertEqual(lora.pairs.count, 7 * 7, "every projection of every layer")
        try check(LoRAAdapterWeights(gguf: lora, name: "tiny-lora.gguf", sha256: ""), against: "tiny-peft")
    }

    /// The PEFT folders themselves, read by our safetensors reader; rsLoRA scales by alpha / √r.
    func testPEFTFoldersGivePeftModelsLogits() throws {
        for variant in ["tiny-peft", "tiny-peft-rslora"] {
            try check(PEFTAdapter.load(folder: TestEnvironment.fixture("lora/" + variant).path), against: variant)
        }
    }

    private func check(_ weights: LoRAAdapterWeights, against variant: String, line: UInt = #line) throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TestEnvironment.fixture("lora/tiny-expected.json")))
        let model = try GemmaModel(path: TinyGemmaFixture.modelPath)
        model.adapters = [try ModelAdapter(weights: weights, config: model.config)]
        let vocab = model.config.vocabularySize
        for (precision, bound) in [(GemmaModel.Precision.reference, Float(1e-3)), (.fast, 1e-2)] {
            model.precision = precision
            for sequence in fixture.sequences {
                let expected = try XCTUnwrap(sequence.variants[variant]).logits
                let logits = try model.forward(.tokens(sequence.ids), cache: model.makeCache(capacity: sequence.ids.count), allLogits: true)
                var worst: Float = 0
                for (p, row) in expected.enumerated() {
                    for (i, e) in row.enumerated() { worst = max(worst, abs(logits[p * vocab + i] - e)) }
                }
                XCTAssertLessThan(worst, bound, "\(variant) \(precision), \(sequence.ids.count) tokens", line: line)
                // Token by token through the decode path (plain loops for the update).
                let cache = model.makeCache(capacity: sequence.ids.count)
                var stepWorst: Float = 0
                for (p, id) in sequence.ids.enumerated() {
                    let row = try model.forward(.tokens([id]), cache: cache)
                    for (i, e) in expected[p].enumerated() { stepWorst = max(stepWorst, abs(row[i] - e)) }
                }
                XCTAssertLessThan(stepWorst, bound, "\(variant) \(precision), token by token, \(sequence.ids.count) tokens", line: line)
            }
        }
    }
}
