import Adapters
import Foundation
import GGUF
import Gemma
import TestSupport
import XCTest

/// The adapter Google's MedGemma fine-tuning notebook makes — `LoraConfig(r=16,
/// lora_alpha=16, target_modules="all-linear", modules_to_save=["lm_head", "embed_tokens"])`
/// on Gemma3ForConditionalGeneration, saved in bf16 — on the tiny vision model
/// (Tests/Fixtures/peft/notebook, Tools/make_notebook_lora_fixture.py): LoRA on every decoder
/// projection and every SigLIP linear, and separate trained copies of the embedding and the
/// output matrix. Against `PeftModel` in float32. The script shows each part moves the
/// logits by 0.77 (vision LoRA) to 2.7 (embedding copy), and tying the output to the
/// replaced embedding by 1.39, so agreement to 1e-3 pins every part down.
final class NotebookAdapterTests: XCTestCase {
    private struct Expected: Decodable {
        struct Image: Decodable { let siglip_output: [[Float]]; let features: [[Float]] }
        struct Prompt: Decodable { let name: String?; let ids: [Int32]; let logits: [[Float]] }
        let images: [Image]
        let prompts: [Prompt]
        let text_prompt: Prompt
    }

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: TestEnvironment.fixture("peft/notebook-expected.json")))
    }

    private func setUp(precision: GemmaModel.Precision) throws -> (GemmaModel, VisionEncoder, ModelAdapter) {
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        model.precision = precision
        let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f32.gguf"), for: model)
        let weights = try PEFTAdapter.load(folder: TestEnvironment.fixture("peft/notebook").path)
        let adapter = try ModelAdapter(weights: weights, config: model.config, vision: encoder.config)
        model.adapters = [adapter]
        try encoder.setAdapters([adapter])
        return (model, encoder, adapter)
    }

    private func worst(_ logits: [Float], _ rows: [[Float]], vocab: Int) -> Float {
        precondition(logits.count == rows.count * vocab)
        var worst: Float = 0
        for (p, row) in rows.enumerated() { for (i, e) in row.enumerated() { worst = max(worst, abs(logits[p * vocab + i] - e)) } }
        return worst
    }

    func testTheNotebookAdapterIsReadWhole() throws {
        let weights = try PEFTAdapter.load(folder: TestEnvironment.fixture("peft/notebook").path)
        XCTAssertEqual(weights.rank, 16)
        XCTAssertEqual(weights.scale, 1)
        // 7 layers × 7 projections + 2 SigLIP layers × 6 linears, and both replaced matrices.
        XCTAssertEqual(weights.matrices.count, 49 + 12)
        XCTAssertEqual(Set(weights.replacements.keys), [.tokenEmbedding, .output])
        XCTAssertEqual(weights.replacements[.output]?.tensor.type, .bf16, "kept as the file stores it")
        XCTAssertEqual(weights.replacements[.output]?.tensor.shape, [24, 64])
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        let adapter = try ModelAdapter(weights: weights, config: model.config)
        XCTAssertTrue(adapter.changesVision)
        XCTAssertTrue(adapter.replacesMatrices)
        XCTAssertEqual(adapter.visionLayers.map { Set($0.keys) }, [Set(VisionProjection.allCases), Set(VisionProjection.allCases)])
    }

    /// The tower with its LoRA: SigLIP output and projector rows equal PeftModel's.
    func testImageFeaturesMatchPEFT() throws {
        let fixture = try TinyVisionFixture.load(), want = try expected()
        let (_, encoder, _) = try setUp(precision: .reference)
        for (k, image) in fixture.images.enumerated() {
            let siglip = relativeError(try encoder.patchFeatures(pixels: image.pixels), want.images[k].siglip_output)
            let features = relativeError(try encoder.encode(pixels: image.pixels), want.images[k].features)
            XCTAssertLessThan(siglip, 1e-5, "image \(k)")
            XCTAssertLessThan(features, 1e-5, "image \(k)")
            print("notebook adapter, image \(k): SigLIP relative error \(siglip), features \(features)")
        }
    }

    /// Every position of the one- and two-image prompts and of a text prompt, to 1e-3 with
    /// f32 products and cache, to 1e-2 at the default precision; batched and in small batches.
    func testLogitsMatchPEFT() throws {
        let fixture = try TinyVisionFixture.load(), want = try expected()
        for (precision, bound) in [(GemmaModel.Precision.reference, Float(1e-3)), (.fast, 1e-2)] {
            let (model, encoder, _) = try setUp(precision: precision)
            encoder.precision = precision
            let vocab = model.config.vocabularySize
            for (prompt, expected) in zip(fixture.prompts, want.prompts) {
                XCTAssertEqual(prompt.ids, expected.ids)
                let segments = try fixture.segments(prompt, encoder: encoder)
                for batch in [512, 5] {
                    let logits = try model.prefill(segments, cache: model.makeCache(capacity: prompt.ids.count), batchSize: batch, allLogits: true)
                    let error = worst(logits, expected.logits, vocab: vocab)
                    XCTAssertLessThan(error, bound, "\(prompt.name), \(precision), batches of \(batch)")
                    print("notebook adapter, \(prompt.name), \(precision), batches of \(batch): max |Δlogit| \(error)")
                }
            }
            let text = want.text_prompt
            let cache = model.makeCache(capacity: text.ids.count)
            var stepwise: [Float] = []
            for id in text.ids { stepwise += try model.forward(.tokens([id]), cache: cache) }
            XCTAssertLessThan(worst(stepwise, text.logits, vocab: vocab), bound, "text prompt token by token, \(precision)")
        }
    }

    /// Scale 0 turns every part off — the LoRA of both towers and the replaced matrices: the
    /// base model's logits (transformers, Tests/Fixtures/tiny_gemma_vision) come back.
    func testScaleZeroIsTheBaseModel() throws {
        let fixture = try TinyVisionFixture.load()
        let (model, encoder, adapter) = try setUp(precision: .reference)
        var off = adapter
        off.userScale = 0
        model.adapters = [off]
        try encoder.setAdapters([off])
        XCTAssertEqual(encoder.adapterFingerprint, "", "an adapter at scale 0 changes no embedding")
        for prompt in fixture.prompts {
            let logits = try model.prefill(try fixture.segments(prompt, encoder: encoder), cache: model.makeCache(capacity: prompt.ids.count),
                                           allLogits: true)
            XCTAssertLessThan(worst(logits, prompt.logits, vocab: model.config.vocabularySize), 1e-3, prompt.name)
        }
    }

    /// A tower of other shapes, a layer the tower does not have, a projector LoRA, and two
    /// adapters replacing the same matrix: one line each, naming the tensor or the adapters.
    func testMismatchesAreRefusedByName() throws {
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f32.gguf"), for: model)
        func adapter(_ placement: LoRAPlacement, inputs: Int, outputs: Int) -> LoRAAdapterWeights {
            LoRAAdapterWeights(name: "a", source: "/x/a.safetensors", sha256: "0", rank: 1, alpha: 1, rsLoRA: false,
                               matrices: [placement: LoRAMatrices(rank: 1, inputs: inputs, outputs: outputs,
                                                                  a: Array(repeating: 0, count: inputs), b: Array(repeating: 0, count: outputs))])
        }
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        XCTAssertEqual(message { _ = try ModelAdapter(weights: adapter(.vision(layer: 0, projection: .up), inputs: 32, outputs: 48),
                                                      config: model.config, vision: encoder.config) },
                       "/x/a.safetensors: 'v.blk.0.ffn_up' maps 32 → 48 values; the tower's ffn_up maps 32 → 64 (an adapter for another base model?)")
        // Read without a tower, checked when it meets one; nothing changes on refusal.
        let deep = try ModelAdapter(weights: adapter(.vision(layer: 2, projection: .q), inputs: 32, outputs: 32), config: model.config)
        XCTAssertEqual(message { try encoder.setAdapters([deep]) },
                       "a: 'v.blk.2.attn_q' is for vision layer 2; the tower has 2 layers (an adapter for another base model?)")
        XCTAssertEqual(encoder.adapters.count, 0)
        XCTAssertEqual(message { _ = try ModelAdapter(weights: adapter(.projector(module: "mm_input_projection"), inputs: 32, outputs: 24),
                                                      config: model.config) },
                       "/x/a.safetensors: it updates the projector's 'mm_input_projection'; Gemma 3's projector has no linear layer a LoRA could update")
        let notebook = try ModelAdapter(weights: PEFTAdapter.load(folder: TestEnvironment.fixture("peft/notebook").path), config: model.config)
        let other = ModelAdapter(name: "other", sha256: "1", layers: notebook.layers, tokenEmbedding: notebook.tokenEmbedding)
        XCTAssertEqual(message { try ModelAdapter.checkTogether([notebook, other]) },
                       "notebook and other both replace the whole 'embed_tokens' (modules_to_save); use one of them at a time")
        XCTAssertEqual(message { try ModelAdapter.checkTogether([notebook, ModelAdapter(name: "b", sha256: "2", layers: notebook.layers)]) },
                       "no error", "LoRA-only adapters go beside it")
    }

    /// A replacement of another vocabulary or width is refused naming the tensor (the
    /// vision-all-linear fixture's model is 512 × 48; this one is 64 × 24).
    func testReplacementOfAnotherModelIsRefused() throws {
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        let weights = try PEFTAdapter.load(folder: TestEnvironment.fixture("peft/vision-all-linear").path)
        let only = LoRAAdapterWeights(name: weights.name, source: weights.source, sha256: weights.sha256, rank: weights.rank,
                                      alpha: weights.alpha, rsLoRA: false, matrices: [:], replacements: weights.replacements)
        XCTAssertThrowsError(try ModelAdapter(weights: only, config: model.config)) { error in
            XCTAssertEqual("\(error)", "\(weights.source): 'base_model.model.model.language_model.embed_tokens.weight' (modules_to_save embed_tokens) is 512 × 48; the model's is 64 × 24 (an adapter for another base model?)")
        }
    }

    /// Export merges LoRA into the text model's weights; what it cannot write is refused.
    func testExportRefusesWhatItCannotMerge() throws {
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        let adapter = try ModelAdapter(weights: PEFTAdapter.load(folder: TestEnvironment.fixture("peft/notebook").path), config: model.config)
        XCTAssertThrowsError(try AdapterMerge(base: model.file, adapters: [adapter], type: .type(.f32))) { error in
            XCTAssertEqual("\(error)", "notebook: it updates the vision tower too; export writes the text model only — apply it with --lora instead")
        }
        let textOnly = ModelAdapter(name: "t", sha256: "3", layers: adapter.layers, output: adapter.output)
        XCTAssertThrowsError(try AdapterMerge(base: model.file, adapters: [textOnly], type: .type(.f32))) { error in
            XCTAssertEqual("\(error)", "t: it replaces the whole 'lm_head' (modules_to_save); export merges LoRA updates only — apply it with --lora instead")
        }
    }
}
