import Adapters
import XCTest

/// PEFT tensor names in every layout Gemma 3's classes and transformers versions produce.
final class LoRATensorNameTests: XCTestCase {
    private func target(_ name: String) -> LoRATensorName.Target? { LoRATensorName(name)?.target }

    func testDecoderProjectionsInAllThreeLayouts() {
        // Gemma3ForConditionalGeneration, transformers ≥ 4.52 (and 5).
        XCTAssertEqual(target("base_model.model.model.language_model.layers.7.self_attn.q_proj.lora_A.weight"),
                       .lora(.text(layer: 7, projection: .q), .a))
        // Gemma3ForConditionalGeneration, transformers 4.50–4.51.
        XCTAssertEqual(target("base_model.model.language_model.model.layers.12.mlp.down_proj.lora_B.weight"),
                       .lora(.text(layer: 12, projection: .down), .b))
        // Gemma3ForCausalLM.
        XCTAssertEqual(target("base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight"),
                       .lora(.text(layer: 0, projection: .output), .a))
        let all: [(String, TextProjection)] = [("self_attn.q_proj", .q), ("self_attn.k_proj", .k), ("self_attn.v_proj", .v),
                                               ("self_attn.o_proj", .output), ("mlp.gate_proj", .gate), ("mlp.up_proj", .up),
                                               ("mlp.down_proj", .down)]
        for (module, projection) in all {
            XCTAssertEqual(target("base_model.model.model.layers.3.\(module).lora_B.weight"), .lora(.text(layer: 3, projection: projection), .b))
        }
        XCTAssertEqual(TextProjection.allCases.map(\.ggufName), ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"])
        XCTAssertEqual(TextProjection(ggufName: "attn_output"), .output)
        XCTAssertEqual(LoRAPlacement.text(layer: 5, projection: .gate).description, "blk.5.ffn_gate")
    }

    func testVisionAndProjectorNames() {
        // transformers 5, ≥ 4.52 and 4.50–4.51 (the forms seen in Google's notebook output).
        XCTAssertEqual(target("base_model.model.model.vision_tower.encoder.layers.0.mlp.fc1.lora_A.weight"),
                       .lora(.vision(layer: 0, projection: .up), .a))
        XCTAssertEqual(target("base_model.model.model.vision_tower.vision_model.encoder.layers.26.self_attn.out_proj.lora_B.weight"),
                       .lora(.vision(layer: 26, projection: .output), .b))
        XCTAssertEqual(target("base_model.model.vision_tower.vision_model.encoder.layers.4.self_attn.k_proj.lora_A.weight"),
                       .lora(.vision(layer: 4, projection: .k), .a))
        XCTAssertEqual(target("base_model.model.model.multi_modal_projector.mm_input_projection.lora_A.weight"),
                       .lora(.projector(module: "mm_input_projection"), .a))
        XCTAssertEqual(target("base_model.model.multi_modal_projector.mm_input_projection.lora_B.weight"),
                       .lora(.projector(module: "mm_input_projection"), .b))
    }

    func testModulesToSaveInBothForms() {
        XCTAssertEqual(target("base_model.model.model.embed_tokens.weight"), .replacement(.tokenEmbedding))
        XCTAssertEqual(target("base_model.model.model.language_model.embed_tokens.weight"), .replacement(.tokenEmbedding))
        XCTAssertEqual(target("base_model.model.language_model.model.embed_tokens.weight"), .replacement(.tokenEmbedding))
        XCTAssertEqual(target("base_model.model.lm_head.weight"), .replacement(.output))
        XCTAssertEqual(target("base_model.model.language_model.lm_head.weight"), .replacement(.output))
        XCTAssertEqual(target("base_model.model.model.embed_tokens.modules_to_save.default.weight"), .replacement(.tokenEmbedding))
        XCTAssertEqual(target("base_model.model.lm_head.modules_to_save.default.weight"), .replacement(.output))
    }

    func testNamesThatCannotBePlaced() {
        for name in [
            "model.layers.0.self_attn.q_proj.lora_A.weight",                               // no base_model.model.
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight",      // a live model's name
            "base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector",      // DoRA
            "base_model.model.model.layers.0.self_attn.q_proj.lora_B.bias",                // lora_bias
            "base_model.model.model.layers.0.self_attn.q_proj.weight",                     // a base weight
            "base_model.model.model.layers.x.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.-1.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.01.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.99999999999.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.0.self_attn.out_proj.lora_A.weight",            // a SigLIP name in the decoder
            "base_model.model.model.vision_tower.encoder.layers.0.self_attn.o_proj.lora_A.weight",
            "base_model.model.model.vision_tower.head.mlp.fc1.lora_A.weight",              // SigLIP's pooling head: Gemma has none
            "base_model.model.model.multi_modal_projector.a.b.lora_A.weight",
            "base_model.model.model.norm.weight",
            "base_model.model.model.embed_tokens.modules_to_save.weight",
            "base_model.model.model.layers.0.mlp.up_proj.lora_A.weight.extra",
            "",
        ] {
            XCTAssertNil(LoRATensorName(name), name)
        }
    }
}
