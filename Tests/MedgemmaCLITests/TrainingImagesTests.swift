import Foundation
import Gemma
import TestSupport
import Workstation
import XCTest
@testable import MedgemmaCLI

/// Training images reach the decoder as the engine shows them: the PNG through the same
/// preparation and tower gives transformers' image features (Gemma3Processor +
/// get_image_features, `tiny_gemma_vision/chat.json`), each picture is encoded once, and a
/// second run reads it from the disk cache.
final class TrainingImagesTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "training-images-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func testRowsAreTransformersFeaturesEncodedOnce() throws {
        let model = try GemmaModel(path: TestEnvironment.fixture("tiny_gemma_vision/text-chat.gguf").path)
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-f32.gguf").path
        let image = TestEnvironment.fixture("tiny_gemma_vision/image0.png").path
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: TestEnvironment.fixture("tiny_gemma_vision/chat.json"))) as? [String: Any])
        let features = (json["features"] as! [[NSNumber]]).flatMap { $0.map(\.floatValue) }

        let cache = EmbeddingCache(directory: folder + "/embeddings")
        var opened = 0
        let images = TrainingImages(model: model, cache: cache) { opened += 1; return mmproj }
        let (rows, count) = try images.rows(image)
        XCTAssertEqual(count, 36)
        XCTAssertEqual(rows.count, features.count)
        let scale = features.map(abs).max()!
        let worst = zip(rows, features).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(worst / scale, 1e-4, "the PNG's rows against transformers' features")
        _ = try images.rows(image)
        XCTAssertEqual(images.encoded, 1, "a picture named twice is encoded once")
        XCTAssertEqual(opened, 1)

        let again = TrainingImages(model: model, cache: cache) { mmproj }
        XCTAssertEqual(try again.rows(image).rows, rows, "read back from the disk cache")
        XCTAssertEqual(again.encoded, 0)
        XCTAssertEqual(again.mmprojPath, mmproj)
    }

    func testTextNeedsNoTower() throws {
        let model = try GemmaModel(path: TestEnvironment.fixture("tiny_gemma_vision/text-chat.gguf").path)
        let images = TrainingImages(model: model, cache: nil) { throw CommandFailure("no mmproj") }
        XCTAssertNil(images.mmprojPath)
        XCTAssertThrowsError(try images.rows(TestEnvironment.fixture("tiny_gemma_vision/image0.png").path)) {
            XCTAssertEqual("\($0)", "no mmproj")
        }
    }
}
