import Foundation
import Gemma
import GGUF
import TestSupport
import XCTest

/// Memory planning where a model is opened (issue 15), as a user meets it: a model that does
/// not fit is one line saying what would, and what it names works; `info` plans a 27B
/// model from a header-only file (expected sizes from Tools/make_memory_fixtures.py); and
/// the estimate is within 10% of the peak RSS `medgemma ask` really reaches.
final class MemoryCheckTests: XCTestCase {
    func testAModelThatDoesNotFitIsOneLineSayingWhatWould() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--max-tokens", "1", "hi"], environment: ["MEDGEMMA_MEMORY_LIMIT": "300M"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("medgemma ask: gemma-3-270m-q4_k_m.gguf needs ≈ "), r.stderr)
        // 300 MiB, in the decimal units the line uses.
        XCTAssertTrue(r.stderr.contains(" at --ctx 4096 (weights 246.6 MB, KV cache ") && r.stderr.contains(" but 314.6 MB is available: "), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix(": a smaller quantization of the model, or a server (--backend URL)\n"), r.stderr)
        XCTAssertEqual(r.stdout, "", "nothing was generated")
    }

    /// A `--lora` adapter is counted: rank 8 on every projection of the 270M's 18 layers
    /// is 1,898,496 values, 7.6 MB as the f32 it is held in (AdapterFootprintTests).
    func testAdaptersAreCountedInThePlan() throws {
        let model = try TestEnvironment.defaultModel()
        let lora = TestEnvironment.fixture("lora/gemma-3-270m-rank8-f16.gguf").path
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--lora", lora, "--max-tokens", "1", "hi"],
                                           environment: ["MEDGEMMA_MEMORY_LIMIT": "300M"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains(", adapters 7.6 MB, buffers "), r.stderr)
    }

    /// The commands that open a model without the chat check it too.
    func testGenerateAndPerplexityPlanFirst() throws {
        let model = try TestEnvironment.defaultModel()
        let limit = ["MEDGEMMA_MEMORY_LIMIT": "300M"]
        let generate = try CommandRunner.medgemma(["generate", "--model", model, "--prompt", "Hello", "--max-tokens", "2"], environment: limit)
        XCTAssertEqual(generate.status, 1)
        XCTAssertTrue(generate.stderr.hasPrefix("medgemma generate: gemma-3-270m-q4_k_m.gguf needs ≈ "), generate.stderr)
        let text = NSTemporaryDirectory() + "ppl-\(getpid()).txt"
        try "Some text to score.".write(toFile: text, atomically: true, encoding: .utf8)
        defer { unlink(text) }
        let perplexity = try CommandRunner.medgemma(["perplexity", "--model", model, "--ctx", "64", text], environment: limit)
        XCTAssertEqual(perplexity.status, 1)
        XCTAssertTrue(perplexity.stderr.hasPrefix("medgemma perplexity: gemma-3-270m-q4_k_m.gguf needs ≈ "), perplexity.stderr)
    }

    func testTheSmallerContextItNamesRuns() throws {
        let model = try TestEnvironment.defaultModel()
        let limit = ["MEDGEMMA_MEMORY_LIMIT": "650M"]
        let refused = try CommandRunner.medgemma(["ask", "--model", model, "--ctx", "32768", "--max-tokens", "1", "hi"], environment: limit)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        let match = try XCTUnwrap(refused.stderr.range(of: "--ctx [0-9]+ fits; otherwise ", options: .regularExpression), refused.stderr)
        let context = String(refused.stderr[match].dropFirst("--ctx ".count).prefix { $0.isNumber })
        XCTAssertLessThan(try XCTUnwrap(Int(context)), 32768)
        let again = try CommandRunner.medgemma(["ask", "--model", model, "--ctx", context, "--max-tokens", "1", "--temperature", "0", "hi"],
                                               environment: limit)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stdout.isEmpty)
        let off = try CommandRunner.medgemma(["ask", "--model", model, "--ctx", "32768", "--max-tokens", "1", "hi"],
                                             environment: limit.merging(["MEDGEMMA_MEMORY_CHECK": "off"]) { a, _ in a })
        XCTAssertEqual(off.status, 0, "the check can be turned off: \(off.stderr)")
        let bad = try CommandRunner.medgemma(["ask", "--model", model, "hi"], environment: ["MEDGEMMA_MEMORY_LIMIT": "lots"])
        XCTAssertEqual(bad.stderr, "medgemma ask: MEDGEMMA_MEMORY_LIMIT: 'lots' is not a size (e.g. 8G, 512M)\n")
    }

    /// 16,540,125,824 bytes of weights and a 989,855,744-byte cache at 4096 (the fixture
    /// script's numbers) from a file of 49 KB.
    func testInfoPlansA27BModelFromItsHeader() throws {
        let path = TestEnvironment.fixture("memory/medgemma-27b-shaped-header.gguf").path
        let r = try CommandRunner.medgemma(["info", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("GGUF v3 (header only: the tensor data is not in this file)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\nMemory\n  at --ctx 4096  ≈ "), r.stdout)
        XCTAssertTrue(r.stdout.contains(": weights 16.5 GB, KV cache 989.9 MB, buffers "), r.stdout)
        let load = try CommandRunner.medgemma(["ask", "--model", path, "hi"])
        XCTAssertEqual(load.status, 1)
        XCTAssertTrue(load.stderr.contains("medgemma-27b-shaped-header.gguf: "), load.stderr)
    }

    /// The estimate against the peak resident memory `medgemma ask` reports for itself
    /// (VmHWM; `wait4`'s ru_maxrss would count the spawning test process's memory) when it
    /// fills 1,772 of 4,096 positions: weights mapped and read, cache and buffers touched.
    func testTheEstimateIsWithinTenPercentOfThePeakRSS() throws {
        let model = try TestEnvironment.defaultModel()
        let prompt = String(repeating: "The patient reports chest pain radiating to the left arm. ", count: 160)
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--ctx", "4096", "--max-tokens", "4", "--temperature", "0", "-"],
                                           stdin: prompt, environment: ["MEDGEMMA_PEAK_MEMORY": "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.hasPrefix("peak memory: ") }, r.stderr)
        let peak = try XCTUnwrap(Int(line.dropFirst("peak memory: ".count).prefix { $0.isNumber }))
        let estimate = try MemoryEstimate(model: GGUFFile(path: model), contextSize: 4096).total
        XCTAssertEqual(Double(estimate) / Double(peak), 1, accuracy: 0.1, "estimate \(estimate) B, peak RSS \(peak) B")
    }
}
