import Foundation
@testable import GGUF
import Kernels
import Adapters
import TestSupport
import XCTest
@testable import Gemma

/// The merge's arithmetic on the tiny F32 model: merged rows against W + Σ factor·scale·B·A
/// worked out in plain loops, what is copied, and the metadata.
final class AdapterMergeTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func randomUpdate(inputs: Int, outputs: Int, rank: Int, scale: Float, seed: UInt64) -> LoRAUpdate {
        var rng = SplitMix64(seed: seed)
        let a = (0..<(rank * inputs)).map { _ in Float(rng.nextUniform() - 0.5) }
        let b = (0..<(outputs * rank)).map { _ in Float(rng.nextUniform() - 0.5) }
        return LoRAUpdate(a: a, b: b, rank: rank, inputs: inputs, outputs: outputs, scale: scale)
    }

    func testMergedRowsAreWPlusTheScaledProducts() throws {
        let base = try GGUFFile(path: TinyGemmaFixture.modelPath)
        let c = try GemmaConfig(file: base)
        let q = ModelAdapter.shape(of: .q, c), down = ModelAdapter.shape(of: .down, c)
        var layers1 = [[TextProjection: LoRAUpdate]](repeating: [:], count: c.layerCount)
        layers1[0][.q] = randomUpdate(inputs: q.inputs, outputs: q.outputs, rank: 3, scale: 0.5, seed: 1)
        layers1[c.layerCount - 1][.down] = randomUpdate(inputs: down.inputs, outputs: down.outputs, rank: 2, scale: 2, seed: 2)
        var layers2 = [[TextProjection: LoRAUpdate]](repeating: [:], count: c.layerCount)
        layers2[0][.q] = randomUpdate(inputs: q.inputs, outputs: q.outputs, rank: 4, scale: 1, seed: 3)
        let adapters = [ModelAdapter(name: "one.gguf", sha256: "aa", layers: layers1, userScale: 0.75),
                        ModelAdapter(name: "two.gguf", sha256: "bb", layers: layers2, userScale: -1.5)]
        let merge = try AdapterMerge(base: base, adapters: adapters, type: .type(.f32))
        XCTAssertEqual(merge.entries.filter(\.isMerged).map(\.info.name), ["blk.0.attn_q.weight", "blk.\(c.layerCount - 1).ffn_down.weight"])
        let out = folder.appendingPathComponent("merged.gguf").path
        var seen: [String] = []
        try merge.write(to: out) { i, n, name in
            XCTAssertEqual(n, base.tensorInfos.count)
            XCTAssertEqual(i, seen.count)
            seen.append(name)
        }
        XCTAssertEqual(seen, base.tensorInfos.map(\.name))
        let merged = try GGUFFile(path: out)

        func expected(_ name: String, _ updates: [(LoRAUpdate, Float)]) throws -> [Float] {
            let info = try XCTUnwrap(base.info(named: name))
            var w = dequantize(tensor: try base.requireTensor(name))
            for (u, factor) in updates {
                for o in 0..<u.outputs {
                    for i in 0..<u.inputs {
                        var sum: Float = 0
                        for r in 0..<u.rank { sum += u.b[o * u.rank + r] * u.a[r * u.inputs + i] }
                        w[o * info.rowLength + i] += factor * u.scale * sum
                    }
                }
            }
            return w
        }
        let mergedQ = dequantize(tensor: try merged.requireTensor("blk.0.attn_q.weight"))
        let wantQ = try expected("blk.0.attn_q.weight", [(layers1[0][.q]!, 0.75), (layers2[0][.q]!, -1.5)])
        XCTAssertEqual(mergedQ.count, wantQ.count)
        XCTAssertLessThan(zip(mergedQ, wantQ).map { abs($0 - $1) }.max()!, 1e-5)
        let downName = "blk.\(c.layerCount - 1).ffn_down.weight"
        let mergedDown = dequantize(tensor: try merged.requireTensor(downName))
        let wantDown = try expected(downName, [(layers1[c.layerCount - 1][.down]!, 0.75)])
        XCTAssertLessThan(zip(mergedDown, wantDown).map { abs($0 - $1) }.max()!, 1e-5)
        XCTAssertNotEqual(mergedDown, dequantize(tensor: try base.requireTensor(downName)))

        for info in base.tensorInfos where info.name != "blk.0.attn_q.weight" && info.name != downName {
            XCTAssertTrue(try merged.requireTensor(info.name).data.elementsEqual(try base.requireTensor(info.name).data), info.name)
        }
        XCTAssertEqual(try merged.metadata.int("general.file_type"), 0)
        XCTAssertEqual(try merged.metadata.stringArray(AdapterMerge.adaptersKey), ["one.gguf aa 0.75", "two.gguf bb -1.5"])
    }

    /// Types chosen per tensor: llama-quantize's fallbacks for rows that are not whole blocks,
    /// `same` keeps the type, and a type this engine cannot write is refused by name.
    func testTypeChoiceAndFallbacks() {
        func info(_ n: Int, _ type: GGMLType) -> GGUFTensorInfo {
            GGUFTensorInfo(name: "t", shape: [n, 4], type: type, fileOffset: 0, byteCount: 0)
        }
        XCTAssertEqual(ExportType.type(.q4_K).type(for: info(640, .q5_0)), .q5_0)
        XCTAssertEqual(ExportType.type(.q4_K).type(for: info(1024, .q5_0)), .q4_K)
        XCTAssertEqual(ExportType.type(.q6_K).type(for: info(640, .q5_0)), .q8_0)
        XCTAssertEqual(ExportType.type(.q8_0).type(for: info(48, .f32)), .f16)
        XCTAssertEqual(ExportType.same.type(for: info(640, .q6_K)), .q6_K)
        XCTAssertNil(ExportType.same.type(for: info(256, .q3_K)))
        XCTAssertEqual(ExportType.names.compactMap { ExportType(name: $0) }.map(\.description), ExportType.names)
        XCTAssertNil(ExportType(name: "q3_k"))
    }
}

extension AdapterMergeTests {
    /// A cancelled write stops between tensors and leaves neither the file nor its `.partial`.
    func testACancelledWriteLeavesNothing() throws {
        let base = try GGUFFile(path: TinyGemmaFixture.modelPath)
        let c = try GemmaConfig(file: base)
        var layers = [[TextProjection: LoRAUpdate]](repeating: [:], count: c.layerCount)
        let q = ModelAdapter.shape(of: .q, c)
        layers[0][.q] = randomUpdate(inputs: q.inputs, outputs: q.outputs, rank: 2, scale: 1, seed: 4)
        let merge = try AdapterMerge(base: base, adapters: [ModelAdapter(name: "a", sha256: "00", layers: layers)], type: .same)
        let out = folder.appendingPathComponent("cancelled.gguf").path
        var calls = 0
        XCTAssertThrowsError(try merge.write(to: out, isCancelled: { calls += 1; return calls > 3 })) {
            XCTAssertEqual("\($0)", "\(out): interrupted; nothing written")
            XCTAssertTrue(($0 as? AdapterMergeError)?.isInterruption == true)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".partial"))
    }
}
