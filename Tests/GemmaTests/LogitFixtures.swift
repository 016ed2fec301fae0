import Foundation
import TestSupport

/// The oracle outputs in Tests/Fixtures/logits (Tools/make_logit_fixtures.py: llama.cpp
/// through llama-cpp-python; Tools/reference_forward.py: a float64 numpy forward pass written
/// from the spec) and Tests/Fixtures/tiny_gemma (Tools/make_tiny_gemma.py: transformers).
struct LlamaCppFixture: Decodable {
    struct Greedy: Decodable {
        let ids: [Int32]
        let margin: [Float]
    }
    struct Setting: Decodable {
        let top20: [[Double]]
        let greedy: Greedy
    }
    struct Prompt: Decodable {
        let name: String
        let ids: [Int32]
        let settings: [String: Setting]
        let spread_fa: Float
        let spread_kv_f32: Float
    }
    let prompts: [Prompt]

    static func load() throws -> LlamaCppFixture {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: TestEnvironment.fixture("logits/llamacpp.json")))
    }
}

struct ReferenceFixture: Decodable {
    struct Prompt: Decodable {
        let name: String
        let ids: [Int32]
        let top64: [[Double]]
    }
    let prompts: [Prompt]

    static func load() throws -> ReferenceFixture {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: TestEnvironment.fixture("logits/reference_f64.json")))
    }
}

struct TinyGemmaFixture: Decodable {
    struct Sequence: Decodable {
        let ids: [Int32]
        let logits: [[Float]]
    }
    let sequences: [Sequence]

    static var modelPath: String { TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path }

    static func load() throws -> TinyGemmaFixture {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: TestEnvironment.fixture("tiny_gemma/expected.json")))
    }
}
