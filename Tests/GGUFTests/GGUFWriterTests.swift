import Foundation
import XCTest
@testable import GGUF
import TestSupport

/// `GGUFWriter` against gguf-py's `GGUFWriter`: the committed fixtures (Tools/make_gguf_fixtures.py:
/// every metadata type, nested arrays, alignment 64, eight tensor types) read by `GGUFFile`
/// and written back must be the same bytes as the file gguf-py wrote.
final class GGUFWriterTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Rewrites `file` through GGUFWriter, each tensor in pieces of `piece` bytes.
    private func rewrite(_ file: GGUFFile, piece: Int) throws -> String {
        let out = folder.appendingPathComponent((file.path as NSString).lastPathComponent).path
        let tensors = file.tensorInfos.map { GGUFWriter.Tensor(name: $0.name, shape: $0.shape, type: $0.type) }
        let writer = try GGUFWriter(path: out, metadata: file.metadata.pairs, tensors: tensors)
        for info in file.tensorInfos {
            let data = try file.requireTensor(info.name).data
            var start = 0
            while start < data.count {
                let end = min(data.count, start + piece)
                try writer.append(UnsafeRawBufferPointer(rebasing: data[start..<end]))
                start = end
            }
        }
        XCTAssertNil(writer.nextTensor)
        try writer.finish()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)).count, writer.fileSize)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".partial"))
        return out
    }

    func testRewrittenFixturesAreGGUFPyBytes() throws {
        for name in ["metadata_all_types.gguf", "tensors_align64.gguf"] {
            let original = TestEnvironment.fixture("gguf/" + name).path
            for piece in [1, 7, 1 << 20] {
                let out = try rewrite(try GGUFFile(path: original), piece: piece)
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), try Data(contentsOf: URL(fileURLWithPath: original)), "\(name), pieces of \(piece)")
            }
        }
    }

    /// A v2 file comes back as v3: the same bytes but the version.
    func testAVersion2FileIsWrittenAsVersion3() throws {
        let original = try Data(contentsOf: TestEnvironment.fixture("gguf/v2_small.gguf"))
        let out = try Data(contentsOf: URL(fileURLWithPath: try rewrite(try GGUFFile(path: TestEnvironment.fixture("gguf/v2_small.gguf").path), piece: 64)))
        var expected = original
        expected[4] = 3
        XCTAssertEqual(out, expected)
        XCTAssertEqual(try GGUFFile(path: folder.appendingPathComponent("v2_small.gguf").path).version, 3)
    }

    func testAnUnfinishedFileNeverTakesTheRealName() throws {
        let out = folder.appendingPathComponent("unfinished.gguf").path
        let writer = try GGUFWriter(path: out, metadata: [("general.architecture", .string("x"))],
                                    tensors: [.init(name: "a", shape: [4], type: .f32)])
        try writer.append([1, 2, 3])
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + ".partial"))
        XCTAssertThrowsError(try writer.finish()) {
            XCTAssertEqual("\($0)", "\(out): cannot write GGUF: tensor \"a\" got 3 of its 16 bytes")
        }
        XCTAssertThrowsError(try writer.append([UInt8](repeating: 0, count: 14))) {
            XCTAssertEqual("\($0)", "\(out): cannot write GGUF: 1 bytes of tensor data beyond the last tensor")
        }
        writer.discard()
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".partial"))
    }

    func testBadTablesAreRefusedBeforeAnythingIsWritten() {
        let out = folder.appendingPathComponent("bad.gguf").path
        XCTAssertThrowsError(try GGUFWriter(path: out, metadata: [], tensors: [.init(name: "q", shape: [48, 2], type: .q8_0)])) {
            XCTAssertTrue("\($0)".contains("tensor \"q\" shape [48, 2] is not 1–4 dimensions of whole Q8_0 blocks"), "\($0)")
        }
        XCTAssertThrowsError(try GGUFWriter(path: out, metadata: [("general.alignment", .uint32(24))], tensors: [])) {
            XCTAssertTrue("\($0)".contains("general.alignment must be a power-of-two uint32"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".partial"))
    }
}
