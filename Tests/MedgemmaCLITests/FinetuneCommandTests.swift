import Adapters
import Foundation
import Gemma
import Kernels
import TestSupport
import XCTest

/// `medgemma finetune` as a user runs it on the real 270M model: a few steps on chat
/// examples write a GGUF LoRA that loads back, and the training loss it prints goes down;
/// bad options are refused in one line.
final class FinetuneCommandTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "finetune-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = [("What is the cardiothoracic ratio limit on a PA film?", "0.5; above it suggests cardiomegaly."),
                     ("What does blunting of a costophrenic angle suggest?", "A small pleural effusion.")]
            .map { q, a in #"{"messages": [{"role": "user", "content": "\#(q)"}, {"role": "assistant", "content": "\#(a)"}]}"# }
        try lines.joined(separator: "\n").write(toFile: folder + "/train.jsonl", atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func testAFewStepsWriteAnAdapterThatLoads() throws {
        let model = try TestEnvironment.defaultModel()
        let out = folder + "/adapter.gguf"
        let r = try CommandRunner.medgemma(["finetune", "--model", model, "--data", folder + "/train.jsonl", "--out", out,
                                            "--steps", "3", "--batch", "2", "--accumulate", "1", "--rank", "4", "--alpha", "8",
                                            "--targets", "q,v,down", "--lr", "2e-3", "--dropout", "0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let losses = r.stderr.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("step "), let range = line.range(of: "loss ") else { return nil }
            return Double(line[range.upperBound...].prefix { !$0.isWhitespace })
        }
        XCTAssertEqual(losses.count, 3, r.stderr)
        XCTAssertLessThan(losses.last!, losses.first!, "three steps on the same two examples lower their loss")
        let lora = try GGUFLoRAFile(path: out)
        XCTAssertEqual(lora.alpha, 8)
        XCTAssertEqual(lora.pairs.count, 18 * 3, "18 layers × q, v, down")
        XCTAssertEqual(Set(lora.pairs.map(\.projection)), ["attn_q", "attn_v", "ffn_down"])
        XCTAssertEqual(Set(lora.pairs.map(\.rank)), [4])
        // The adapter changes the model once trained (B starts at zero).
        XCTAssertTrue(lora.pairs.contains { $0.b.contains { $0 != 0 } })
    }

    /// `--peft DIR` writes the same adapter as a PEFT folder beside the GGUF (on the tiny
    /// Gemma 3): the loader PEFT folders go through reads it back with the GGUF's very floats;
    /// an existing DIR is refused without --force in one line naming it, and replaced with it.
    func testPEFTFolderBesideTheGGUF() throws {
        let model = TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path
        let out = folder + "/adapter.gguf", peft = folder + "/adapter-peft"
        let args = ["finetune", "--model", model, "--data", folder + "/train.jsonl", "--out", out, "--peft", peft,
                    "--steps", "1", "--batch", "2", "--accumulate", "1", "--rank", "2", "--alpha", "4", "--targets", "q,down",
                    "--dropout", "0.1", "--lr", "2e-3"]
        let r = try CommandRunner.medgemma(args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrote \(peft) (PEFT, for Gemma3ForCausalLM)"), r.stderr)
        let weights = try PEFTAdapter.load(folder: peft)
        XCTAssertEqual(weights.rank, 2)
        XCTAssertEqual(weights.alpha, 4)
        let gguf = try GGUFLoRAFile(path: out)
        XCTAssertEqual(weights.matrices.count, gguf.pairs.count)
        for pair in gguf.pairs {
            let projection = try XCTUnwrap(TextProjection(ggufName: pair.projection))
            let m = try XCTUnwrap(weights.matrices[.text(layer: pair.layer, projection: projection)], "\(pair.layer) \(pair.projection)")
            XCTAssertEqual(m.a, pair.a)
            XCTAssertEqual(m.b, pair.b)
        }
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: peft + "/adapter_config.json"))) as? [String: Any])
        XCTAssertEqual(config["target_modules"] as? [String], ["down_proj", "q_proj"])
        XCTAssertEqual(config["lora_dropout"] as? Double, 0.1)

        let again = try CommandRunner.medgemma(args.map { $0 == out ? folder + "/other.gguf" : $0 })
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderr.split(separator: "\n").count, 1, again.stderr)
        XCTAssertTrue(again.stderr.contains("\(peft): already exists (--force replaces it)"), again.stderr)
        XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/plain", contents: Data()))
        let notFolder = try CommandRunner.medgemma(args.map { $0 == peft ? folder + "/plain" : $0 } + ["--force"])
        XCTAssertEqual(notFolder.status, 1)
        XCTAssertEqual(notFolder.stderr, "medgemma finetune: \(folder)/plain: cannot write the PEFT adapter: exists and is not a folder\n", "refused before training")
        unlink(folder + "/plain")
        let forced = try CommandRunner.medgemma(args + ["--force", "--seed", "5"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(try PEFTAdapter.load(folder: peft).matrices.values.first?.a, weights.matrices.values.first?.a, "another seed, another A")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["adapter-peft", "adapter.gguf", "train.jsonl"])
    }

    /// `--eval-every N`: the held-out loss in the progress line every N steps, the same
    /// number as the final evaluation when N reaches the end's adapter.
    func testEvalLossInTheProgressLine() throws {
        let model = TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path
        let data = folder + "/train.jsonl"
        let r = try CommandRunner.medgemma(["finetune", "--model", model, "--data", data, "--eval", data, "--eval-every", "2",
                                            "--out", folder + "/e.gguf", "--steps", "3", "--batch", "2", "--rank", "2", "--lr", "1e-2",
                                            "--dropout", "0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        func number(after key: String, in line: String) -> Double? {
            line.range(of: key).flatMap { Double(line[$0.upperBound...].prefix { !$0.isWhitespace }) }
        }
        let before = try XCTUnwrap(lines.first { $0.hasPrefix("eval loss before: ") }.flatMap { number(after: "before: ", in: $0) })
        let steps = lines.filter { $0.hasPrefix("step ") }
        XCTAssertEqual(steps.count, 3, r.stderr)
        XCTAssertEqual(number(after: "  eval ", in: steps[0]), before, "before the first evaluation, the one before training")
        let atTwo = try XCTUnwrap(number(after: "  eval ", in: steps[1]))
        XCTAssertLessThan(atTwo, before, "two steps on the same examples lower their loss")
        XCTAssertEqual(number(after: "  eval ", in: steps[2]), atTwo, "kept until the next evaluation")
        let bad = try CommandRunner.medgemma(["finetune", "--model", model, "--data", data, "--out", folder + "/f.gguf", "--eval-every", "5"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--eval-every needs --eval FILE"), bad.stderr)
    }

    /// `--modules-to-save lm_head,embed_tokens`: the whole copies are trained and --out is a
    /// PEFT folder holding them (the workstation's PEFT loader reads them as replacements);
    /// the combinations that cannot work are refused in one line before training.
    func testTrainedCopiesMakeTheOutputAPEFTFolder() throws {
        let modelPath = TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path
        let out = folder + "/copies"
        let args = ["finetune", "--model", modelPath, "--data", folder + "/train.jsonl", "--out", out, "--steps", "2", "--batch", "2",
                    "--accumulate", "1", "--rank", "2", "--targets", "q,v", "--lr", "1e-2", "--modules-to-save", "lm_head,embed_tokens"]
        let r = try CommandRunner.medgemma(args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("training whole copies of lm_head and embed_tokens"), r.stderr)
        let weights = try PEFTAdapter.load(folder: out)
        let model = try GemmaModel(path: modelPath)
        let adapter = try ModelAdapter(weights: weights, config: model.config)
        XCTAssertTrue(adapter.replacesMatrices)
        let embedding = try XCTUnwrap(adapter.tokenEmbedding), output = try XCTUnwrap(adapter.output)
        let base = dequantize(tensor: model.weights.tokenEmbedding)
        XCTAssertNotEqual(dequantize(tensor: embedding), base, "the embedding copy was trained")
        XCTAssertNotEqual(dequantize(tensor: output), base, "the output copy was trained")
        XCTAssertNotEqual(dequantize(tensor: output), dequantize(tensor: embedding), "the copies are separate")
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/adapter_config.json"))) as? [String: Any])
        XCTAssertEqual(config["modules_to_save"] as? [String], ["lm_head", "embed_tokens"])

        for (extra, text) in [(["--out", folder + "/a.gguf"], "--out names a folder (a PEFT adapter), not a .gguf"),
                              (["--peft", folder + "/p"], "writes --out as a PEFT folder; --peft is not needed"),
                              (["--modules-to-save", "lm_head,norm"], "'norm' is not one of lm_head, embed_tokens")] {
            let bad = try CommandRunner.medgemma(args + extra)
            XCTAssertEqual(bad.status, 2, bad.stderr)
            XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
            XCTAssertTrue(bad.stderr.contains(text), bad.stderr)
        }
    }

    /// A model with its vision part beside it is Gemma3ForConditionalGeneration on the Hugging
    /// Face side: the tensors are named for it, and target_modules keeps to the language model.
    func testPEFTFolderForAModelWithItsVisionPart() throws {
        let vision = folder + "/vision"
        try FileManager.default.createDirectory(atPath: vision, withIntermediateDirectories: true)
        for name in ["text.gguf", "mmproj-f32.gguf"] {
            try FileManager.default.copyItem(atPath: TestEnvironment.fixture("tiny_gemma_vision/" + name).path, toPath: vision + "/" + name)
        }
        let peft = folder + "/vision-peft"
        let r = try CommandRunner.medgemma(["finetune", "--model", vision + "/text.gguf", "--data", folder + "/train.jsonl",
                                            "--out", folder + "/vision.gguf", "--peft", peft, "--steps", "1", "--batch", "2",
                                            "--accumulate", "1", "--rank", "2", "--targets", "v"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("(PEFT, for Gemma3ForConditionalGeneration)"), r.stderr)
        let weights = try PEFTAdapter.load(folder: peft)
        XCTAssertEqual(weights.matrices.count, 7, "7 layers × v")
        // The safetensors header: an 8-byte little-endian length, then JSON keyed by tensor name.
        let file = try Data(contentsOf: URL(fileURLWithPath: peft + "/adapter_model.safetensors"))
        let length = file.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: file.subdata(in: 8..<(8 + length))) as? [String: Any])
        let names = header.keys.filter { $0 != "__metadata__" }
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("base_model.model.model.language_model.layers.") && $0.contains(".self_attn.v_proj.lora_") }, "\(names)")
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: peft + "/adapter_config.json"))) as? [String: Any])
        XCTAssertEqual(config["target_modules"] as? String, #".*language_model.*\.(v_proj)"#)
    }

    func testBadOptionsAreRefused() throws {
        let model = try TestEnvironment.defaultModel()
        let base = ["finetune", "--model", model, "--data", folder + "/train.jsonl"]
        for (args, status, text) in [
            (["finetune", "--out", "x.gguf"], Int32(2), "--data FILE is required"),
            (base, 2, "--out FILE is required"),
            (base + ["--out", folder + "/a.gguf", "--epochs", "2", "--steps", "3"], 2, "--epochs and --steps: choose one"),
            (base + ["--out", folder + "/a.gguf", "--targets", "q,lm_head"], 2, "'lm_head' is not a projection"),
            (base + ["--out", folder + "/train.jsonl"], 1, "already exists (--force replaces it)"),
        ] {
            let r = try CommandRunner.medgemma(args)
            XCTAssertEqual(r.status, status, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(text), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        let help = try CommandRunner.medgemma(["finetune", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("Google's MedGemma fine-tuning notebook"))
    }

    /// Examples with images: each picture through the tower once (then from the disk cache),
    /// its rows in the loss (another picture, another loss); without a vision part, one line.
    func testImagesGoThroughTheFrozenTower() throws {
        let fixtures = TestEnvironment.fixture("tiny_gemma_vision").path
        for name in ["image0.png", "image1.png"] {
            try FileManager.default.copyItem(atPath: fixtures + "/" + name, toPath: folder + "/" + name)
        }
        func data(_ image: String) throws -> String {
            let path = folder + "/\(image).jsonl"
            let line = #"{"messages": [{"role": "user", "content": [{"type": "image", "image": "\#(image)"}, {"type": "text", "text": "what is in this image?"}]}, {"role": "assistant", "content": "a tiny picture"}]}"#
            try (line + "\n" + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let environment = ["XDG_CACHE_HOME": folder + "/cache"]
        func run(_ image: String) throws -> (status: Int32, stderr: String, before: Double?) {
            let d = try data(image)
            let r = try CommandRunner.medgemma(["finetune", "--model", fixtures + "/text-chat.gguf", "--mmproj", fixtures + "/mmproj-f32.gguf",
                                                "--data", d, "--eval", d, "--out", folder + "/a.gguf", "--force", "--steps", "1",
                                                "--batch", "2", "--rank", "2", "--dropout", "0"], environment: environment)
            let before = r.stderr.split(separator: "\n").first { $0.hasPrefix("eval loss before: ") }
                .flatMap { Double($0.dropFirst("eval loss before: ".count).prefix { !$0.isWhitespace }) }
            return (r.status, r.stderr, before)
        }
        let first = try run("image0.png")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("1 image: 1 encoded, 0 read from the cache"), first.stderr)
        let second = try run("image0.png")
        XCTAssertTrue(second.stderr.contains("1 image: 0 encoded, 1 read from the cache"), second.stderr)
        XCTAssertEqual(second.before, first.before)
        let other = try run("image1.png")
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertNotEqual(try XCTUnwrap(other.before), try XCTUnwrap(first.before), "the picture's rows are in the loss")

        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["finetune", "--model", model, "--data", try data("image0.png"), "--out", folder + "/b.gguf"],
                                           environment: ["MEDGEMMA_MMPROJ": ""])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("image0.png.jsonl: example 1: an image needs the model's vision part: pass --mmproj FILE"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }

    /// Ctrl-C after the first step writes the adapter and a checkpoint; `--resume` finishes
    /// the run, and the adapter is bit for bit the one an unbroken run writes.
    func testCtrlCThenResumeEqualsAnUnbrokenRun() throws {
        let model = try TestEnvironment.defaultModel()
        let common = ["finetune", "--model", model, "--data", folder + "/train.jsonl", "--steps", "4", "--batch", "1",
                      "--accumulate", "1", "--rank", "2", "--targets", "q,v", "--lr", "1e-3"]
        let whole = try CommandRunner.medgemma(common + ["--out", folder + "/whole.gguf"])
        XCTAssertEqual(whole.status, 0, whole.stderr)

        let out = folder + "/pause.gguf"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.executable)
        process.arguments = common + ["--out", out]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        final class Seen: @unchecked Sendable { var text = ""; let lock = NSLock() }
        let seen = Seen()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            seen.lock.withLock { seen.text += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && !seen.lock.withLock({ seen.text.contains("step 1/4") }) { usleep(20_000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        errors.fileHandleForReading.readabilityHandler = nil
        let stderr = seen.lock.withLock { seen.text }
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("--resume continues from \(out).checkpoint"), stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + ".checkpoint"))

        let other = try CommandRunner.medgemma(common.map { $0 == "1e-3" ? "2e-3" : $0 } + ["--out", out, "--resume"])
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.contains("written by a run with other data or settings"), other.stderr)

        let resumed = try CommandRunner.medgemma(common + ["--out", out, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resuming at step "), resumed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".checkpoint"), "a finished run removes its checkpoint")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), try Data(contentsOf: URL(fileURLWithPath: folder + "/whole.gguf")).replacingName("whole", with: "pause"))
    }
}

private extension Data {
    /// The adapter file carries its name (general.name); compare everything else.
    func replacingName(_ old: String, with new: String) -> Data {
        let o = Data(old.utf8), n = Data(new.utf8)
        guard o.count == n.count, let r = range(of: o) else { return self }
        var copy = self
        copy.replaceSubrange(r, with: n)
        return copy
    }
}
