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

    /// The estimate against the peak RSS the kernel reports for `medgemma ask` filling 1,772
    /// of 4,096 positions (weights mapped and read, cache and buffers touched).
    func testTheEstimateIsWithinTenPercentOfThePeakRSS() throws {
        let model = try TestEnvironment.defaultModel()
        let prompt = NSTemporaryDirectory() + "rss-prompt-\(getpid()).txt"
        try String(repeating: "The patient reports chest pain radiating to the left arm. ", count: 160)
            .write(toFile: prompt, atomically: true, encoding: .utf8)
        defer { unlink(prompt) }
        let (status, peak) = try peakRSS([TestEnvironment.executable, "ask", "--model", model, "--ctx", "4096", "--max-tokens", "4",
                                          "--temperature", "0", "-"], stdin: prompt)
        XCTAssertEqual(status, 0)
        let estimate = try MemoryEstimate(model: GGUFFile(path: model), contextSize: 4096).total
        let ratio = Double(estimate) / Double(peak)
        XCTAssertEqual(ratio, 1, accuracy: 0.1, "estimate \(estimate) B, peak RSS \(peak) B")
    }

    /// Runs `arguments` with `stdin` from a file and its output discarded; the exit status
    /// and the child's own peak RSS in bytes (`wait4`'s rusage).
    private func peakRSS(_ arguments: [String], stdin: String) throws -> (Int32, Int) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, arguments[0], &actions, nil, argv, environ), 0)
        var status: Int32 = 0
        var usage = rusage()
        XCTAssertEqual(wait4(pid, &status, 0, &usage), pid)
        return ((status >> 8) & 0xFF, usage.ru_maxrss * 1024)
    }
}
