import Foundation
import XCTest
@testable import GGUF
import TestSupport

/// The real gemma-3-270m Q4_K_M file (skipped when absent). Expected values come from the
/// spec (docs/ENGINE.md §1.3, §2.4, §3.1) and were confirmed with gguf-py's GGUFReader:
/// version 3, 33 keys, 236 tensors, no general.alignment, data_start 6 525 120, file size
/// 253 113 024, token_embd.weight Q8_0 [640, 262144] — never taken from this reader's output.
final class RealModelHeaderTests: XCTestCase {
    private static var cached: GGUFFile?

    private func model() throws -> GGUFFile {
        let path = try TestEnvironment.defaultModel()
        if let g = Self.cached, g.path == path { return g }
        let g = try GGUFFile(path: path)
        Self.cached = g
        return g
    }

    func testHeaderAndLayout() throws {
        let g = try model()
        XCTAssertEqual(g.version, 3)
        XCTAssertEqual(g.tensorInfos.count, 236)
        XCTAssertEqual(g.metadata.keys.count, 33)
        XCTAssertFalse(g.metadata.contains("general.alignment"))
        XCTAssertEqual(g.alignment, 32)
        XCTAssertEqual(g.dataOffset, 6_525_120)
        XCTAssertEqual(g.fileSize, 253_113_024)
        let lastEnd = g.tensorInfos.map { $0.fileOffset + $0.byteCount }.max()
        XCTAssertEqual(lastEnd, 253_113_024, "the last tensor ends exactly at EOF")
        XCTAssertEqual(g.tensorInfos.first?.name, "output_norm.weight")
        XCTAssertEqual(g.tensorInfos.first?.fileOffset, 6_525_120)
    }

    func testTensorTypeCounts() throws {
        let g = try model()
        var counts: [GGMLType: Int] = [:]
        for t in g.tensorInfos { counts[t.type, default: 0] += 1 }
        XCTAssertEqual(counts, [.f32: 109, .q5_0: 81, .q4_K: 27, .q8_0: 10, .q6_K: 9])
    }

    func testTensorsAreAlignedInBoundsAndDisjoint() throws {
        let g = try model()
        let sorted = g.tensorInfos.sorted { $0.fileOffset < $1.fileOffset }
        var previousEnd = g.dataOffset
        for t in sorted {
            XCTAssertEqual((t.fileOffset - g.dataOffset) % 32, 0, t.name)
            XCTAssertGreaterThanOrEqual(t.fileOffset, previousEnd, t.name)
            XCTAssertEqual(t.byteCount, t.rowCount * t.rowBytes, t.name)
            previousEnd = t.fileOffset + t.byteCount
        }
        XCTAssertEqual(previousEnd, g.fileSize)
    }

    func testTokenEmbedding() throws {
        let g = try model()
        let t = try g.requireTensor("token_embd.weight")
        XCTAssertEqual(t.shape, [640, 262_144])
        XCTAssertEqual(t.type, .q8_0)   // Q6_K falls back to Q8_0 since 640 % 256 != 0 (§2.4)
        XCTAssertEqual(t.info.fileOffset, 6_527_680)
        XCTAssertEqual(t.info.byteCount, 178_257_920)
        XCTAssertEqual(t.info.rowBytes, 640 / 32 * 34)
        XCTAssertEqual(t.row(262_143).count, 680)
        XCTAssertNil(g.tensor(named: "output.weight"), "the LM head is tied to token_embd")
    }

    func testGemma3Metadata() throws {
        let m = try model().metadata
        XCTAssertEqual(try m.string("general.architecture"), "gemma3")
        XCTAssertEqual(try m.int("gemma3.embedding_length"), 640)
        XCTAssertEqual(try m.int("gemma3.block_count"), 18)
        XCTAssertEqual(try m.int("gemma3.context_length"), 32768)
        XCTAssertEqual(try m.intOrPerLayer("gemma3.feed_forward_length"), [2048])
        XCTAssertEqual(try m.int("gemma3.attention.head_count"), 4)
        XCTAssertEqual(try m.int("gemma3.attention.head_count_kv"), 1)
        XCTAssertEqual(try m.int("gemma3.attention.key_length"), 256)
        XCTAssertEqual(try m.int("gemma3.attention.value_length"), 256)
        XCTAssertEqual(try m.int("gemma3.attention.sliding_window"), 512)
        XCTAssertEqual(try m.float("gemma3.attention.layer_norm_rms_epsilon"), Double(Float(1e-6)))
        XCTAssertEqual(try m.float("gemma3.rope.freq_base"), 1_000_000)
        XCTAssertEqual(m["gemma3.embedding_length"], .uint32(640))
        XCTAssertEqual(try m.int("general.file_type"), 15)   // MOSTLY_Q4_K_M
        XCTAssertFalse(m.contains("tokenizer.chat_template"), "270m is a base model")
    }

    func testTokenizerArrays() throws {
        let m = try model().metadata
        XCTAssertEqual(try m.string("tokenizer.ggml.model"), "llama")
        let tokens = try XCTUnwrap(try m.stringArray("tokenizer.ggml.tokens"))
        XCTAssertEqual(tokens.count, 262_144)
        XCTAssertEqual(Array(tokens.prefix(3)), ["<pad>", "<eos>", "<bos>"])
        let scores = try XCTUnwrap(try m.floatArray("tokenizer.ggml.scores"))
        XCTAssertEqual(scores.count, 262_144)
        XCTAssertEqual(scores[0], -1000)
        guard case .array(.int32(let types)) = m["tokenizer.ggml.token_type"] else {
            return XCTFail("token_type is not an int32 array")
        }
        XCTAssertEqual(types.count, 262_144)
        XCTAssertEqual(Array(types.prefix(3)), [3, 3, 3])
        XCTAssertEqual(try m.int("tokenizer.ggml.bos_token_id"), 2)
        XCTAssertEqual(try m.int("tokenizer.ggml.eos_token_id"), 1)
    }

    /// Every prefix ending inside the header of the real file fails cleanly (sampled lengths:
    /// the header is 6.5 MB). Copies go to a temporary file.
    func testTruncatedRealHeader() throws {
        let path = try TestEnvironment.defaultModel()
        let files = TempFiles()
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let head = [UInt8](try XCTUnwrap(try handle.read(upToCount: 6_525_120 + 4096)))
        for n in [0, 3, 4, 7, 8, 23, 24, 100, 1000, 65_536, 3_000_001, 6_525_112, 6_525_119, 6_525_120, 6_529_216] {
            let cut = files.write(Array(head[0..<n]), name: "real-prefix.gguf")
            guard let e = parseError(cut) else { continue }
            switch e.problem {
            case .truncated, .countTooLarge: XCTAssertLessThan(n, 6_525_112, "\(n): \(e)")
            case .tensorOutOfBounds: XCTAssertGreaterThanOrEqual(n, 6_525_112, "\(n): \(e)")
            default: XCTFail("\(n): unexpected \(e)")
            }
        }
    }
}
