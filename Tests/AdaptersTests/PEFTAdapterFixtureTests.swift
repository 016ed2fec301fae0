import Adapters
import Foundation
import SafeTensors
import Support
import TestSupport
import XCTest

/// Folders written by PEFT itself (Tools/make_peft_fixtures.py): every tensor placed, and
/// every matrix equal to the values in the file (a sha256 of them as float32, from Python).
final class PEFTAdapterFixtureTests: XCTestCase {
    private struct Expected {
        let tensors: [String: (dtype: String, shape: [Int], sha256: String, first: [Float])]
    }

    private func expected(_ folder: String) throws -> Expected {
        let data = try Data(contentsOf: TestEnvironment.fixture("peft/expected.json"))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let folders = json["folders"] as! [String: [String: Any]]
        let tensors = try XCTUnwrap(folders[folder]?["tensors"] as? [String: [String: Any]])
        return Expected(tensors: tensors.mapValues { t in
            (t["dtype"] as! String, t["shape"] as! [Int], t["sha256"] as! String,
             (t["first"] as! [NSNumber]).map { Float($0.doubleValue) })
        })
    }

    /// Loads `folder` and checks every key of expected.json against what was read.
    @discardableResult
    private func check(_ folder: String) throws -> LoRAAdapterWeights {
        let path = TestEnvironment.fixture("peft/" + folder).path
        let weights = try PEFTAdapter.load(folder: path)
        let want = try expected(folder)
        XCTAssertEqual(weights.name, folder)
        XCTAssertEqual(weights.source, path + "/adapter_model.safetensors")
        XCTAssertEqual(weights.sha256, try SHA256.hex(ofFile: weights.source))
        XCTAssertEqual(weights.rank, 4)
        XCTAssertEqual(weights.alpha, 8)
        var loraTensors = 0
        for (name, t) in want.tensors {
            let parsed = try XCTUnwrap(LoRATensorName(name), name)
            let values: [Float]
            switch parsed.target {
            case .lora(let placement, let part):
                loraTensors += 1
                let m = try XCTUnwrap(weights.matrices[placement], name)
                values = part == .a ? m.a : m.b
                XCTAssertEqual(part == .a ? [m.rank, m.inputs] : [m.outputs, m.rank], t.shape, name)
            case .replacement(let module):
                let r = try XCTUnwrap(weights.replacements[module], name)
                values = r.floats()
                XCTAssertEqual([r.rows, r.columns], t.shape, name)
            }
            XCTAssertEqual(SHA256.hex(of: values), t.sha256, name)
            XCTAssertEqual(Array(values.prefix(t.first.count)), t.first, name)
        }
        XCTAssertEqual(weights.matrices.count * 2, loraTensors)
        return weights
    }

    func testCausalAllLinear() throws {
        let w = try check("causal-all-linear")
        XCTAssertEqual(w.scale, 2)
        XCTAssertFalse(w.rsLoRA)
        XCTAssertEqual(Set(w.matrices.keys), Set((0..<2).flatMap { l in TextProjection.allCases.map { LoRAPlacement.text(layer: l, projection: $0) } }))
        XCTAssertTrue(w.replacements.isEmpty)
        let q = try XCTUnwrap(w.matrices[.text(layer: 1, projection: .q)])
        XCTAssertEqual([q.rank, q.inputs, q.outputs], [4, 48, 64])
        let down = try XCTUnwrap(w.matrices[.text(layer: 0, projection: .down)])
        XCTAssertEqual([down.inputs, down.outputs], [64, 48])
    }

    func testCausalWithModulesToSaveAndRSLoRA() throws {
        let w = try check("causal-modules-to-save")
        XCTAssertTrue(w.rsLoRA)
        XCTAssertEqual(w.scale, 4)   // 8 / √4
        XCTAssertEqual(Set(w.replacements.keys), [.tokenEmbedding, .output])
        XCTAssertEqual(w.replacements[.tokenEmbedding]?.rows, 512)
        XCTAssertEqual(w.replacements[.tokenEmbedding]?.columns, 48)
        XCTAssertEqual(w.matrices.count, 14)
    }

    func testMultimodalReachesTheVisionTower() throws {
        let w = try check("vision-all-linear")
        XCTAssertEqual(w.matrices.count, 14 + 6)
        for projection in VisionProjection.allCases {
            XCTAssertNotNil(w.matrices[.vision(layer: 0, projection: projection)], projection.huggingFaceName)
        }
        XCTAssertEqual(w.matrices[.vision(layer: 0, projection: .up)].map { [$0.inputs, $0.outputs] }, [32, 64])
        XCTAssertEqual(Set(w.replacements.keys), [.tokenEmbedding, .output])
        let config = try PEFTAdapterConfig(path: TestEnvironment.fixture("peft/vision-all-linear/adapter_config.json").path)
        XCTAssertEqual(config.modulesToSave, ["lm_head", "embed_tokens"])
        // save_pretrained writes "all-linear" out as the list of module names it chose.
        guard case .list(let names)? = config.targetModules else { return XCTFail("\(String(describing: config.targetModules))") }
        XCTAssertEqual(Set(names), ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "out_proj", "fc1", "fc2"])
    }
}
