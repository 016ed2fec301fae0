import Foundation
import XCTest
import TestSupport

/// `medgemma info` on the real default model and on files it cannot read.
/// Expected values come from the engine spec (ENGINE.md) §1.3, §2.4 and §3.1, not from our output.
final class InfoCommandTests: XCTestCase {
    func testModelCardOfTheRealModel() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["info", model])
        XCTAssertEqual(r.status, 0, r.stderr)
        let expectedLines = [
            "  architecture   gemma3 (Gemma 3 text decoder)",
            "  file type      Q4_K_M (general.file_type 15)",
            "  embedding      640",
            "  layers         18 (15 local with a 512-token sliding window, 3 global)",
            "  attention      4 query, 1 key/value, head size 256",
            "  feed-forward   2048",
            "  context        32768 tokens",
            "  model          SentencePiece (llama), 262144 tokens",
            "  token types    255474 normal, 6249 control, 256 byte, 165 user-defined",
            "  special        bos 2 <bos>, eos 1 <eos>, unk 3 <unk>, pad 0 <pad>",
        ]
        let lines = Set(r.stdout.split(separator: "\n").map(String.init))
        for line in expectedLines { XCTAssertTrue(lines.contains(line), "missing line: \(line)\n\(r.stdout)") }
        // 236 tensors = 109 F32 + 81 Q5_0 + 27 Q4_K + 10 Q8_0 + 9 Q6_K.
        for (type, count) in [("F32", 109), ("Q5_0", 81), ("Q4_K", 27), ("Q8_0", 10), ("Q6_K", 9)] {
            XCTAssertTrue(r.stdout.contains("  \(type.padding(toLength: 6, withPad: " ", startingAt: 0))\(count) tensors"), "\(type) × \(count)")
        }
    }

    func testJSONCarriesTheWholeHeader() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["info", "--json", model])
        XCTAssertEqual(r.status, 0, r.stderr)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(root["version"] as? Int, 3)
        XCTAssertEqual(root["alignment"] as? Int, 32)
        XCTAssertEqual(root["data_offset"] as? Int, 6_525_120)
        XCTAssertEqual(root["file_size"] as? Int, 253_113_024)
        let tensors = try XCTUnwrap(root["tensors"] as? [[String: Any]])
        XCTAssertEqual(tensors.count, 236)
        let embd = try XCTUnwrap(tensors.first { $0["name"] as? String == "token_embd.weight" })
        XCTAssertEqual(embd["shape"] as? [Int], [640, 262_144])
        let meta = try XCTUnwrap(root["metadata"] as? [String: Any])
        XCTAssertEqual(meta["general.architecture"] as? String, "gemma3")
        XCTAssertEqual(meta["gemma3.block_count"] as? Int, 18)
        XCTAssertEqual(meta["gemma3.rope.freq_base"] as? Double, 1_000_000)
        XCTAssertEqual(meta["tokenizer.ggml.add_space_prefix"] as? Bool, false)
        let tokens = try XCTUnwrap(meta["tokenizer.ggml.tokens"] as? [String])
        XCTAssertEqual(tokens.count, 262_144)
        XCTAssertEqual(tokens[105], "<start_of_turn>")
        XCTAssertEqual(tokens[236_743], "▁")
    }

    func testUnreadableFilesGiveOneLineNamingTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("medgemma-info-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let notGGUF = dir.appendingPathComponent("notes.gguf").path
        try Data("hello world, not a model".utf8).write(to: URL(fileURLWithPath: notGGUF))
        let truncated = dir.appendingPathComponent("short.gguf").path
        try Data([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 1]).write(to: URL(fileURLWithPath: truncated))
        let missing = dir.appendingPathComponent("absent.gguf").path

        let cases = [
            (notGGUF, "not a GGUF file (magic \"hell\", expected \"GGUF\")"),
            (truncated, "truncated: tensor count at byte 8 runs past the end of the file"),
            (missing, "cannot open: No such file or directory"),
            // A folder is read as DICOM series (`info DIR`); this one holds none.
            (dir.path, "no DICOM images: 2 entries, none a DICOM image"),
        ]
        for (path, problem) in cases {
            let r = try CommandRunner.medgemma(["info", path])
            XCTAssertEqual(r.status, 1, path)
            XCTAssertEqual(r.stderr, "medgemma info: \(path): \(problem)\n")
            XCTAssertEqual(r.stdout, "")
        }
    }
}
