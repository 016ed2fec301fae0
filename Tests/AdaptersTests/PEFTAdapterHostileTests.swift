import Adapters
import Foundation
import SafeTensors
import TestSupport
import XCTest

/// Configs and weights that are wrong, odd or of another kind: each one line naming the
/// file (and the key or tensor), never a crash.
final class PEFTAdapterHostileTests: XCTestCase {
    private var folder: TempFolder!
    override func setUp() { folder = TempFolder() }
    override func tearDown() { folder = nil }

    private let goodConfig = #"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["q_proj"], "rank_pattern": {}, "alpha_pattern": {}, "modules_to_save": null, "use_rslora": false}"#
    private let q = "base_model.model.model.layers.0.self_attn.q_proj"

    /// A folder with `config` and a weights file of F32 tensors.
    private func adapter(config: String? = nil, tensors: [(String, [Int])]? = nil) -> String {
        let blob = SafeTensorsBlob(f32: (tensors ?? [("\(q).lora_A.weight", [2, 3]), ("\(q).lora_B.weight", [5, 2])]).map { name, shape in
            (name, shape, (0..<shape.reduce(1, *)).map { Float($0) })
        })
        folder.write(blob, name: "adapter_model.safetensors")
        folder.write(Array((config ?? goodConfig).utf8), name: "adapter_config.json")
        return folder.directory.path
    }

    @discardableResult
    private func assertRefused(_ path: String, file expectedFile: String, _ problem: PEFTAdapterError.Problem? = nil,
                               contains: String? = nil, file: StaticString = #filePath, line: UInt = #line) -> PEFTAdapterError? {
        do {
            _ = try PEFTAdapter.load(folder: path)
            XCTFail("loaded", file: file, line: line)
            return nil
        } catch {
            if let problem { XCTAssertEqual(error.problem, problem, file: file, line: line) }
            let text = error.description
            XCTAssertTrue(text.hasPrefix(expectedFile + ": "), text, file: file, line: line)
            XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
            if let contains { XCTAssertTrue(text.contains(contains), text, file: file, line: line) }
            return error
        }
    }

    private var configPath: String { folder.path("adapter_config.json") }
    private var weightsPath: String { folder.path("adapter_model.safetensors") }

    func testTheBaseAdapterLoads() throws {
        let w = try PEFTAdapter.load(folder: adapter() + "/")
        XCTAssertEqual(w.scale, 2)
        let m = try XCTUnwrap(w.matrices[.text(layer: 0, projection: .q)])
        XCTAssertEqual([m.rank, m.inputs, m.outputs], [2, 3, 5])
        XCTAssertEqual(m.a, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(m.b, (0..<10).map(Float.init))
    }

    func testConfigFields() throws {
        _ = adapter()
        func config(_ text: String) throws -> PEFTAdapterConfig {
            folder.write(Array(text.utf8), name: "c.json")
            return try PEFTAdapterConfig(path: folder.path("c.json"))
        }
        let all = try config(#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16.5, "target_modules": "all-linear", "base_model_name_or_path": "google/medgemma-4b-it"}"#)
        XCTAssertEqual(all.targetModules, .allLinear)
        XCTAssertEqual(all.alpha, 16.5)
        XCTAssertFalse(all.useRSLoRA)
        XCTAssertNil(all.modulesToSave)
        XCTAssertEqual(all.baseModel, "google/medgemma-4b-it")
        let regex = try config(#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ".*language_model.*\\.(q_proj|v_proj)", "use_rslora": true}"#)
        XCTAssertEqual(regex.targetModules, .regex(#".*language_model.*\.(q_proj|v_proj)"#))
        XCTAssertTrue(regex.useRSLoRA)
    }

    func testRefusedConfigs() {
        let path = adapter()
        func refuse(_ config: String, _ problem: PEFTAdapterError.Problem, line: UInt = #line) {
            folder.write(Array(config.utf8), name: "adapter_config.json")
            assertRefused(path, file: configPath, problem, line: line)
        }
        refuse(#"{"peft_type": "IA3", "r": 2, "lora_alpha": 4}"#, .notLoRA(peftType: "IA3"))
        refuse(#"{"peft_type": "PREFIX_TUNING"}"#, .notLoRA(peftType: "PREFIX_TUNING"))
        refuse(#"{"r": 2, "lora_alpha": 4}"#, .missingKey("peft_type"))
        refuse(#"{"peft_type": "LORA", "lora_alpha": 4}"#, .missingKey("r"))
        refuse(#"{"peft_type": "LORA", "r": "2", "lora_alpha": 4}"#, .wrongType(key: "r", expected: "a whole number", found: "a string"))
        refuse(#"{"peft_type": "LORA", "r": 2.5, "lora_alpha": 4}"#, .wrongType(key: "r", expected: "a whole number", found: "a number"))
        refuse(#"{"peft_type": "LORA", "r": 0, "lora_alpha": 4}"#, .invalidValue(key: "r", reason: "is 0; a rank is 1 to 65536"))
        refuse(#"{"peft_type": "LORA", "r": 99999999999999999999999, "lora_alpha": 4}"#, .wrongType(key: "r", expected: "a whole number", found: "a number"))
        refuse(#"{"peft_type": "LORA", "r": 2}"#, .missingKey("lora_alpha"))
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 1e400}"#, .wrongType(key: "lora_alpha", expected: "a number", found: "a number"))
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "use_rslora": "yes"}"#, .wrongType(key: "use_rslora", expected: "true or false", found: "a string"))
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "use_dora": true}"#, .doraUnsupported)
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "rank_pattern": {"q_proj": 8}}"#, .patternsUnsupported(keys: ["rank_pattern"]))
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "rank_pattern": {"q_proj": 8}, "alpha_pattern": {"v_proj": 3}}"#,
               .patternsUnsupported(keys: ["rank_pattern", "alpha_pattern"]))
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "alpha_pattern": []}"#, .wrongType(key: "alpha_pattern", expected: "an object", found: "an array"))
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": 7}"#, .wrongType(key: "target_modules", expected: "a list or a string", found: "a number"))
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["q_proj", 1]}"#,
               .wrongType(key: "target_modules", expected: "a list of strings", found: "a list holding a number"))
        refuse(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "modules_to_save": "lm_head"}"#, .wrongType(key: "modules_to_save", expected: "a list", found: "a string"))
        refuse(#"["peft_type"]"#, .notObject(found: "an array"))
        refuse(#"{"peft_type": "LORA", "r": 2,"#, .notJSON(reason: "expected a key in quotes at byte 29"))
        refuse("", .notJSON(reason: "unexpected end of the text at byte 0"))
        refuse(#"{"peft_type": "LORA", "peft_type": "LORA"}"#, .notJSON(reason: "key 'peft_type' appears twice at byte 22"))
        let e = assertRefused(path, file: configPath)
        XCTAssertEqual(e?.description, "\(configPath): not JSON: key 'peft_type' appears twice at byte 22")
        let notLoRA: PEFTAdapterError = PEFTAdapterError(file: "c", .patternsUnsupported(keys: ["rank_pattern", "alpha_pattern"]))
        XCTAssertEqual(notLoRA.description, "c: rank_pattern and alpha_pattern give some modules their own rank or alpha; such adapters are not read yet")
    }

    func testMissingFilesAndPickles() throws {
        let path = adapter()
        try FileManager.default.removeItem(atPath: weightsPath)
        assertRefused(path, file: path, .noWeights)
        folder.write([0x80, 0x02], name: "adapter_model.bin")
        let e = assertRefused(path, file: folder.path("adapter_model.bin"), .binaryWeightsOnly)
        XCTAssertTrue(e?.description.contains("only adapter_model.safetensors is read") ?? false)
        try FileManager.default.removeItem(atPath: configPath)
        assertRefused(path, file: configPath, .cannotRead(reason: "cannot open: No such file or directory"))
        assertRefused(folder.path("nowhere"), file: folder.path("nowhere/adapter_config.json"))
    }

    func testDamagedWeightsKeepTheirOwnMessage() {
        let path = adapter()
        folder.write([1, 2, 3], name: "adapter_model.safetensors")
        assertRefused(path, file: weightsPath, .safeTensors(SafeTensorsError(file: weightsPath, .truncated(fileSize: 3))), contains: "truncated")
        // An integer tensor where a LoRA matrix should be.
        let header = #"{"\#(q).lora_A.weight":{"dtype":"I32","shape":[2,3],"data_offsets":[0,24]},"\#(q).lora_B.weight":{"dtype":"F32","shape":[5,2],"data_offsets":[24,64]}}"#
        folder.write(SafeTensorsBlob(header: header, data: [UInt8](repeating: 0, count: 64)), name: "adapter_model.safetensors")
        assertRefused(path, file: weightsPath, contains: "is I32; only F32, F16 and BF16 are read as floats")
    }

    func testTensorsThatCannotBePlaced() {
        let path = adapter(tensors: [("\(q).lora_A.weight", [2, 3]), ("\(q).lora_B.weight", [5, 2]), ("base_model.model.model.norm.weight", [3])])
        let e = assertRefused(path, file: weightsPath, .unplacedTensor("base_model.model.model.norm.weight"))
        XCTAssertEqual(e?.description, "\(weightsPath): tensor 'base_model.model.model.norm.weight' is not a LoRA matrix of a Gemma 3 projection")
        assertRefused(adapter(tensors: [("\(q).lora_A.weight", [2, 3]), ("\(q).lora_B.weight", [5, 2]), ("\(q).lora_magnitude_vector", [5])]),
                      file: weightsPath, .unplacedTensor("\(q).lora_magnitude_vector"))
    }

    func testMissingHalves() {
        assertRefused(adapter(tensors: [("\(q).lora_A.weight", [2, 3])]), file: weightsPath,
                      .missingHalf(tensor: "\(q).lora_A.weight", missing: "\(q).lora_B.weight"))
        assertRefused(adapter(tensors: [("\(q).lora_B.weight", [5, 2])]), file: weightsPath,
                      .missingHalf(tensor: "\(q).lora_B.weight", missing: "\(q).lora_A.weight"))
    }

    func testWrongShapes() {
        let a = "\(q).lora_A.weight", b = "\(q).lora_B.weight"
        // r = 3 in the file, 2 in the config.
        assertRefused(adapter(tensors: [(a, [3, 3]), (b, [5, 3])]), file: weightsPath,
                      .wrongShape(tensor: a, shape: [3, 3], expected: "[2, inputs] (r = 2 in adapter_config.json)"))
        assertRefused(adapter(tensors: [(a, [2, 3]), (b, [5, 3])]), file: weightsPath,
                      .wrongShape(tensor: b, shape: [5, 3], expected: "[outputs, 2] (r = 2 in adapter_config.json)"))
        assertRefused(adapter(tensors: [(a, [6]), (b, [5, 2])]), file: weightsPath,
                      .wrongShape(tensor: a, shape: [6], expected: "[2, inputs] (r = 2 in adapter_config.json)"))
        assertRefused(adapter(tensors: [(a, [2, 0]), (b, [5, 2])]), file: weightsPath,
                      .wrongShape(tensor: a, shape: [2, 0], expected: "[2, inputs] (r = 2 in adapter_config.json)"))
        assertRefused(adapter(tensors: [(a, [2, 3]), (b, [5, 2]), ("base_model.model.lm_head.weight", [4, 3, 1])]), file: weightsPath,
                      .wrongShape(tensor: "base_model.model.lm_head.weight", shape: [4, 3, 1], expected: "[vocabulary, hidden]"))
    }

    func testTwoNamesForOneWeight() {
        let old = "base_model.model.language_model.model.layers.0.self_attn.q_proj.lora_A.weight"
        assertRefused(adapter(tensors: [("\(q).lora_A.weight", [2, 3]), ("\(q).lora_B.weight", [5, 2]), (old, [2, 3])]), file: weightsPath,
                      .duplicatePlacement(tensor: old, other: "\(q).lora_A.weight"))
        assertRefused(adapter(tensors: [("base_model.model.lm_head.weight", [4, 3]), ("base_model.model.lm_head.modules_to_save.default.weight", [4, 3])]),
                      file: weightsPath, .duplicatePlacement(tensor: "base_model.model.lm_head.modules_to_save.default.weight", other: "base_model.model.lm_head.weight"))
    }

    func testAnEmptyAdapter() {
        assertRefused(adapter(tensors: []), file: weightsPath, .noMatrices)
    }
}
