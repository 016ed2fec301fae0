import Adapters
import Foundation
import Gemma
import SafeTensors
import TestSupport
import XCTest
@testable import Training

/// The PEFT folder against peft's own `save_pretrained` (Tools/make_training_fixtures.py):
/// its adapter read back and written again gives peft's `adapter_model.safetensors` byte for
/// byte and a config with the keys peft applies equal — for the tiny text model
/// (Gemma3ForCausalLM) and the tiny vision model (Gemma3ForConditionalGeneration). A trained
/// adapter survives writer → `PEFTAdapter.load` bit for bit, and the folder is written
/// atomically and never replaces what it should not.
final class PEFTFolderWriterTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "peft-writer-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    private func config(_ model: String) throws -> GemmaConfig {
        try GemmaModel(path: TestEnvironment.fixture(model).path).config
    }

    private func json(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any], path)
    }

    private func checkAgainstPEFT(fixture: String, model: String, baseClass: PEFTFolderWriter.BaseClass) throws {
        let theirs = TestEnvironment.fixture("training/" + fixture).path
        let adapter = try TrainableAdapter(weights: PEFTAdapter.load(folder: theirs), config: config(model))
        let ours = scratch + "/" + fixture
        try PEFTFolderWriter.write(adapter, .init(baseClass: baseClass, dropout: 0), to: ours, replacing: false)

        let want = try SafeTensorsFile(path: theirs + "/adapter_model.safetensors")
        let got = try SafeTensorsFile(path: ours + "/adapter_model.safetensors")
        XCTAssertEqual(Set(got.tensorNames), Set(want.tensorNames))
        XCTAssertEqual(got.metadata, want.metadata)
        for name in want.tensorNames {
            let w = try XCTUnwrap(want.tensor(named: name)), g = try XCTUnwrap(got.tensor(named: name), name)
            XCTAssertEqual(g.dtype, w.dtype, name)
            XCTAssertEqual(g.shape, w.shape, name)
            XCTAssertEqual(g.withBytes { Array($0) }, w.withBytes { Array($0) }, name)
        }
        // The whole file too: header order, padding and data layout are safetensors' own.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: ours + "/adapter_model.safetensors")),
                       try Data(contentsOf: URL(fileURLWithPath: theirs + "/adapter_model.safetensors")))

        let c = try json(ours + "/adapter_config.json"), p = try json(theirs + "/adapter_config.json")
        for key in ["peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "bias", "use_rslora", "use_dora", "fan_in_fan_out"] {
            XCTAssertEqual(c[key] as? NSObject, p[key] as? NSObject, key)
        }
        if let list = p["target_modules"] as? [String] {
            XCTAssertEqual(Set(try XCTUnwrap(c["target_modules"] as? [String])), Set(list))
        } else {
            XCTAssertEqual(c["target_modules"] as? String, p["target_modules"] as? String)
        }
        XCTAssertEqual(try PEFTAdapterConfig(path: ours + "/adapter_config.json"), try PEFTAdapterConfig(path: theirs + "/adapter_config.json"))
    }

    func testTextAdapterIsWrittenAsPEFTWritesIt() throws {
        try checkAgainstPEFT(fixture: "text-initial", model: "tiny_gemma/tiny-gemma3.gguf", baseClass: .causalLM)
    }

    /// The notebook's `modules_to_save=["lm_head", "embed_tokens"]`: the whole copies too.
    func testTrainedCopiesAreWrittenAsPEFTWritesThem() throws {
        try checkAgainstPEFT(fixture: "text-modules-initial", model: "tiny_gemma/tiny-gemma3.gguf", baseClass: .causalLM)
        let c = try json(scratch + "/text-modules-initial/adapter_config.json")
        XCTAssertEqual(c["modules_to_save"] as? [String], ["lm_head", "embed_tokens"])
    }

    func testVisionModelsAdapterIsWrittenAsPEFTWritesIt() throws {
        try checkAgainstPEFT(fixture: "vision-initial", model: "tiny_gemma_vision/text.gguf", baseClass: .conditionalGeneration)
    }

    /// A trained adapter (B not zero, a fractional alpha, three of seven projections) read
    /// back through the loader the workstation uses: the same floats, rank, alpha and scale.
    func testRoundTripThroughPEFTAdapterLoad() throws {
        let c = try config("tiny_gemma/tiny-gemma3.gguf")
        var adapter = TrainableAdapter.initial(for: c, rank: 3, alpha: 4.5, targets: [.k, .output, .up], seed: 7)
        var rng = SplitMix64(seed: 11)
        for (l, p) in adapter.orderedKeys {
            adapter.layers[l][p]!.b = adapter.layers[l][p]!.b.map { _ in Float(Double(rng.next() >> 11) / Double(1 << 53) - 0.5) }
        }
        let folder = scratch + "/trained"
        try PEFTFolderWriter.write(adapter, .init(dropout: 0.05), to: folder, replacing: false)
        let weights = try PEFTAdapter.load(folder: folder)
        XCTAssertEqual(weights.rank, 3)
        XCTAssertEqual(weights.alpha, 4.5)
        let back = try TrainableAdapter(weights: weights, config: c)
        XCTAssertEqual(back.orderedKeys.map { "\($0.layer).\($0.projection)" }, adapter.orderedKeys.map { "\($0.layer).\($0.projection)" })
        for (l, p) in adapter.orderedKeys {
            let a = adapter.layers[l][p]!, b = back.layers[l][p]!
            XCTAssertEqual(b.a, a.a, "\(l).\(p)")
            XCTAssertEqual(b.b, a.b, "\(l).\(p)")
            XCTAssertEqual(b.scale, a.scale, "\(l).\(p)")
        }
        let json = try json(folder + "/adapter_config.json")
        XCTAssertEqual(json["target_modules"] as? [String], ["k_proj", "o_proj", "up_proj"])
        XCTAssertEqual(json["lora_dropout"] as? Double, 0.05)
        XCTAssertEqual(json["lora_alpha"] as? Double, 4.5)
        XCTAssertEqual(json["base_model_name_or_path"] as? NSNull, NSNull())
        let text = try String(contentsOfFile: folder + "/adapter_config.json", encoding: .utf8)
        XCTAssertTrue(text.contains("\"r\": 3,"), text)
    }

    /// An existing folder: refused unless replacing; replaced only when it holds PEFT's files
    /// alone; never a temporary folder left beside it.
    func testExistingFolders() throws {
        let adapter = TrainableAdapter.initial(for: try config("tiny_gemma/tiny-gemma3.gguf"), rank: 2, alpha: 4, targets: [.q], seed: 1)
        let folder = scratch + "/adapter"
        try PEFTFolderWriter.write(adapter, .init(), to: folder, replacing: false)
        XCTAssertThrowsError(try PEFTFolderWriter.write(adapter, .init(), to: folder, replacing: false)) { error in
            XCTAssertEqual("\(error)", "\(folder): cannot write the PEFT adapter: already exists")
        }
        let other = TrainableAdapter.initial(for: try config("tiny_gemma/tiny-gemma3.gguf"), rank: 2, alpha: 4, targets: [.v], seed: 2)
        try PEFTFolderWriter.write(other, .init(), to: folder + "/", replacing: true)
        let placed = try PEFTAdapter.load(folder: folder).matrices.keys.compactMap { k -> TextProjection? in
            if case .text(_, let p) = k { return p } else { return nil }
        }
        XCTAssertEqual(Set(placed), [.v], "the second adapter replaced the first")

        XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/notes.txt", contents: Data("mine".utf8)))
        XCTAssertThrowsError(try PEFTFolderWriter.write(adapter, .init(), to: folder, replacing: true)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(folder): "), "\(error)")
            XCTAssertTrue("\(error)".contains("holds notes.txt"), "\(error)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/notes.txt"))

        let plain = scratch + "/plain"
        XCTAssertTrue(FileManager.default.createFile(atPath: plain, contents: Data()))
        XCTAssertThrowsError(try PEFTFolderWriter.write(adapter, .init(), to: plain, replacing: true)) { error in
            XCTAssertEqual("\(error)", "\(plain): cannot write the PEFT adapter: exists and is not a folder")
        }
        XCTAssertThrowsError(try PEFTFolderWriter.write(adapter, .init(), to: scratch + "/missing/parent/adapter", replacing: false)) { error in
            XCTAssertTrue("\(error)".hasPrefix(scratch + "/missing/parent/adapter: cannot write the PEFT adapter: cannot create a folder in "), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch).sorted(), ["adapter", "plain"])
    }
}
