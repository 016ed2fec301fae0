import Foundation
import Support
import GGUF
import TestSupport
import XCTest

/// `medgemma export` on the real gemma-3-270m with a random rank-8 adapter on every projection
/// (Tests/Fixtures/lora/gemma-3-270m-rank8-f16.gguf, Tools/make_lora_fixtures.py): the merged file must
/// score the perplexity the adapter scores on the fly (`perplexity --lora`), keep every
/// tensor the adapter does not touch byte for byte, and — where llama.cpp's
/// `llama-perplexity` is built (Tools/build-llama-cpp.sh) — load in llama.cpp with the same
/// perplexity as ours.
///
/// The merge itself is exact: on the f32 path (`--precision exact`), `--type q8_0` and `f16`
/// score within 0.5 % of the adapter on the fly (measured: 0.08 % and 0.003 %). The fast
/// path runs each weight type on its own kernels (int8 for the quantized base, f16 for an
/// f16 merge), and this model moves by about 1 % with that: held to 1.5 % — llama.cpp's own
/// `--lora` and its run of the q8_0 merge differ by 1.2 % (27.71 and 27.37, ctx 128), and
/// its run of the merge is within 1 % of ours with the adapter on the fly. `--type same` re-quantizes
/// W + ΔW to the base's 4–6-bit types, which adds a second rounding of the whole weight that
/// `--lora` (quantized W plus an exact ΔW) never pays: on this adapter 27.8 becomes 29.9
/// (+8 %; a near-zero adapter, `:0.000001`, gives the base's 20.6 back). It is held to lie
/// within 10 % of on the fly, far nearer it than the base (20.7), and within 1 % of
/// llama.cpp on the same file.
final class ExportCommandTests: XCTestCase {
    private let environment = ["MEDGEMMA_CONFIG": "/nonexistent/config", "MEDGEMMA_API_KEY": ""]
    private var folder: URL!
    private let adapter = TestEnvironment.fixture("lora/gemma-3-270m-rank8-f16.gguf").path
    private let corpus = TestEnvironment.fixture("perplexity/corpus.txt").path

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func export(_ model: String, type: String) throws -> String {
        let out = folder.appendingPathComponent("merged-\(type).gguf").path
        let r = try CommandRunner.medgemma(["export", "--model", model, "--lora", adapter, "--type", type, "--out", out], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("into 126 of 236 tensors"), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix(" s\n") && r.stderr.contains("wrote \(out): "), r.stderr)
        return out
    }

    private func perplexity(_ arguments: [String]) throws -> Double {
        let r = try CommandRunner.medgemma(["perplexity", "--json", "--ctx", "128", "--batch", "128"] + arguments + [corpus], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
        return try XCTUnwrap(json["ppl"] as? Double)
    }

    func testMergedModelsScoreWhatTheAdapterScoresOnTheFly() throws {
        let model = try TestEnvironment.defaultModel()
        let onTheFly = try perplexity(["--model", model, "--lora", adapter])
        let onTheFlyExact = try perplexity(["--model", model, "--lora", adapter, "--precision", "exact"])
        let plain = try perplexity(["--model", model])
        XCTAssertGreaterThan(onTheFly, plain * 1.2, "the fixture adapter must change the model noticeably")
        // The fast kernels with the adapter on the fly, against exact f32: 0.3 % off on the
        // AVX2 path, 1.7 % on the VNNI paths (27.918 against 27.440 on an Intel Xeon with
        // AVX-512; the plain model is 0.5 % off there) — a gap still to be explained, so the
        // merged files are compared with the exact score, and this bound keeps it from growing.
        XCTAssertEqual(onTheFly, onTheFlyExact, accuracy: onTheFlyExact * 0.025, "--lora on the fly, fast kernels")
        let base = try GGUFFile(path: model)
        for type in ["q8_0", "f16", "same"] {
            let out = try export(model, type: type)
            let merged = try GGUFFile(path: out)
            let ppl = try perplexity(["--model", out])
            print("export --type \(type): ppl \(ppl), --lora on the base \(onTheFly), base \(plain), \(merged.fileSize) bytes")
            XCTAssertEqual(ppl, onTheFlyExact, accuracy: onTheFlyExact * (type == "same" ? 0.1 : 0.015), "--type \(type)")
            if type != "same" {
                // The f32 path isolates the merge from the kernels each weight type takes.
                let exact = try perplexity(["--model", out, "--precision", "exact"])
                XCTAssertEqual(exact, onTheFlyExact, accuracy: onTheFlyExact * 0.005, "--type \(type), exact")
            }
            // Metadata: the base's, in its order, plus the adapter stamp; file_type for --type.
            XCTAssertEqual(Array(merged.metadata.keys.dropLast()), base.metadata.keys)
            XCTAssertEqual(merged.metadata.keys.last, "medgemma.merged_adapters")
            let stamp = try XCTUnwrap(try merged.metadata.stringArray("medgemma.merged_adapters"))
            XCTAssertEqual(stamp.count, 1)
            XCTAssertTrue(stamp[0].hasPrefix("gemma-3-270m-rank8-f16.gguf "), stamp[0])
            XCTAssertTrue(stamp[0].hasSuffix(" 1.0"), stamp[0])
            XCTAssertEqual(try merged.metadata.int("general.file_type"), ["same": 15, "q8_0": 7, "f16": 1][type])
            XCTAssertEqual(try merged.metadata.string("general.name"), try base.metadata.string("general.name"))
            // Tensors: the same table; untouched ones the same bytes; projections re-typed only for q8_0.
            XCTAssertEqual(merged.tensorInfos.map(\.name), base.tensorInfos.map(\.name))
            for info in base.tensorInfos {
                let m = try XCTUnwrap(merged.info(named: info.name))
                XCTAssertEqual(m.shape, info.shape, info.name)
                let projection = info.name.hasPrefix("blk.") && ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]
                    .contains(info.name.split(separator: ".")[2])
                XCTAssertEqual(m.type, projection && type != "same" ? (type == "q8_0" ? .q8_0 : .f16) : info.type, info.name)
                let (a, b) = (try merged.requireTensor(info.name).data, try base.requireTensor(info.name).data)
                let same = a.count == b.count && memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
                XCTAssertEqual(same, !projection, info.name)
            }
        }
    }

    /// `llama-perplexity` or `llama-quantize` as Tools/build-llama-cpp.sh builds them; a skip where absent.
    private func llamaTool(_ name: String) throws -> String {
        let env = ProcessInfo.processInfo.environment
        let root = env["MEDGEMMA_LLAMA_CPP"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (UserDirectories(environment: env).cacheHome + "/medgemma/llama.cpp")
        let binary = root + "/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("\(name) not built at \(binary) (Tools/build-llama-cpp.sh)")
        }
        return binary
    }

    /// Runs a llama.cpp tool; its output (stdout and stderr together) when it succeeds.
    private func runLlama(_ binary: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(output.suffix(2000)))
        return output
    }

    /// llama.cpp loads the merged file and agrees on its perplexity (skipped where
    /// Tools/build-llama-cpp.sh has not built `llama-perplexity`).
    func testLlamaPerplexityAgreesOnTheMergedModel() throws {
        let model = try TestEnvironment.defaultModel()
        let binary = try llamaTool("llama-perplexity")
        for type in ["q8_0", "same"] {
            let out = try export(model, type: type)
            let ours = try perplexity(["--model", out])
            let output = try runLlama(binary, ["-m", out, "-f", corpus, "-c", "128", "-b", "128",
                                               "-t", "\(max(1, ProcessInfo.processInfo.activeProcessorCount))"])
            let line = try XCTUnwrap(output.split(separator: "\n").last { $0.contains("Final estimate: PPL = ") }, String(output.suffix(2000)))
            let value = try XCTUnwrap(Double(line.components(separatedBy: "PPL = ")[1].split(separator: " ")[0]))
            print("export --type \(type): llama-perplexity \(value), ours \(ours)")
            XCTAssertEqual(ours, value, accuracy: value * 0.01, "--type \(type)")
        }
    }

    /// `--type same` is byte for byte what `llama-quantize … Q4_K_M` makes of the merge kept in
    /// F32 (`--type f32`): the same type for every projection (its recipe gave the base its
    /// mix) and the same Q4_K, Q5_0, Q6_K and Q8_0 blocks.
    func testSameIsWhatLlamaQuantizeMakesOfTheF32Merge() throws {
        let model = try TestEnvironment.defaultModel()
        let binary = try llamaTool("llama-quantize")
        let f32 = try export(model, type: "f32")
        let requantized = folder.appendingPathComponent("llama-quantized.gguf").path
        _ = try runLlama(binary, ["--allow-requantize", f32, requantized, "Q4_K_M", "2"])
        let same = try GGUFFile(path: try export(model, type: "same"))
        let theirs = try GGUFFile(path: requantized)
        var compared = 0
        for info in same.tensorInfos where ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]
            .contains(info.name.split(separator: ".").dropLast().last.map(String.init) ?? "") {
            let t = try theirs.requireTensor(info.name), o = try same.requireTensor(info.name)
            XCTAssertEqual(o.type, t.type, info.name)
            XCTAssertTrue(o.data.count == t.data.count && memcmp(o.data.baseAddress!, t.data.baseAddress!, o.data.count) == 0, info.name)
            compared += 1
        }
        XCTAssertEqual(compared, 126)
    }

    func testRefusalsAreOneLine() throws {
        let model = try TestEnvironment.defaultModel()
        let existing = folder.appendingPathComponent("existing.gguf").path
        FileManager.default.createFile(atPath: existing, contents: Data("x".utf8))
        let refused = try CommandRunner.medgemma(["export", "--model", model, "--lora", adapter, "--out", existing], environment: environment)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "medgemma export: \(existing): already exists (--force replaces it)\n")
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "x")
        let badType = try CommandRunner.medgemma(["export", "--lora", adapter, "--out", existing, "--type", "q3_k"], environment: environment)
        XCTAssertEqual(badType.status, 2)
        XCTAssertTrue(badType.stderr.contains("--type q3_k: expected one of same, f32, f16, bf16, q8_0, q6_k, q5_0, q4_k"), badType.stderr)
        let noAdapter = try CommandRunner.medgemma(["export", "--out", existing], environment: environment)
        XCTAssertEqual(noAdapter.status, 2)
        XCTAssertTrue(noAdapter.stderr.contains("--lora FILE is required"), noAdapter.stderr)
        let notAnAdapter = try CommandRunner.medgemma(["export", "--model", model, "--lora", model, "--out", folder.appendingPathComponent("m.gguf").path],
                                                      environment: environment)
        XCTAssertEqual(notAnAdapter.status, 1)
        XCTAssertEqual(notAnAdapter.stderr.split(separator: "\n").count, 1, notAnAdapter.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.gguf").path))
        for line in (refused.stderr + badType.stderr + noAdapter.stderr).split(separator: "\n") { XCTAssertFalse(line.isEmpty) }
    }
}
