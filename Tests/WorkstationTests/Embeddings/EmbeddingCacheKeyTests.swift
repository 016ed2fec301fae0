import Support
import Foundation
import Gemma
import MedImaging
import TestSupport
import VisionPreprocessing
import XCTest
@testable import Workstation

final class EmbeddingCacheKeyTests: XCTestCase {
    private let mmproj = "41df66c340aa59d85720be9815fc7159bb345dfb3ca5e0a6d0d72a97abf0d696"
    private let picture = String(repeating: "a", count: 64)

    /// Digests computed outside Swift (Python's hashlib over the same component text).
    func testKnownDigests() {
        let off = EmbeddingCacheKey(pictureKey: picture, imageSize: 896, normalization: .gemma3, panAndScan: nil, mmprojHash: mmproj)
        XCTAssertEqual(off.digest, "c38f43699a84c44d31f95a925c69d2c0e40ac3f06c2fb836dcb07cba27514cdc")
        let crops = EmbeddingCacheKey(pictureKey: picture, imageSize: 896, normalization: .gemma3, panAndScan: .gemma3, mmprojHash: mmproj)
        XCTAssertEqual(crops.digest, "3d18669bf7cd2172cac5e9c2315d9271d55de069aebe3bfa6e007b7991736c09")
        XCTAssertEqual(off.bytes.count, 32)
        XCTAssertEqual(SHA256.hex(off.bytes), off.digest)
    }

    /// Every input that changes the encoder's output changes the key.
    func testEachInputChangesTheKey() throws {
        func key(picture: String? = nil, source: String? = nil, size: Int = 896, normalization: NormalizationParameters = .gemma3,
                 panAndScan: PanAndScanOptions? = nil, mmproj: String? = nil) -> String {
            EmbeddingCacheKey(pictureKey: picture ?? self.picture, sourceFileHash: source, imageSize: size, normalization: normalization,
                              panAndScan: panAndScan, mmprojHash: mmproj ?? self.mmproj).digest
        }
        let variants = [
            key(), key(picture: String(repeating: "b", count: 64)), key(source: "f00d"), key(size: 448),
            key(normalization: try NormalizationParameters(mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 0.5])),
            key(panAndScan: .gemma3), key(panAndScan: try PanAndScanOptions(minCropSize: 256, maxCrops: 3)),
            key(panAndScan: try PanAndScanOptions(minRatioToActivate: 1.5)), key(mmproj: String(repeating: "0", count: 64)),
        ]
        XCTAssertEqual(Set(variants).count, variants.count, "\(variants)")
        XCTAssertEqual(key(), key(), "the same inputs give the same key")
    }

    /// Through a real pipeline: a different mmproj file or pan-and-scan setting is a
    /// different key, the same settings the same key.
    func testPipelineKeys() throws {
        let f32 = try VisionEncoder(path: TestEnvironment.fixture("tiny_gemma_vision/mmproj-f32.gguf").path, textWidth: 24)
        let image = ImageAttachment(source: "a.png", preparation: "", picture: try RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 7, count: 12)))
        let hashes = FileHashCache(directory: NSTemporaryDirectory() + "key-hashes-\(getpid())")
        defer { hashes.removeAll() }
        let f32Hash = try hashes.sha256(ofFileAt: f32.file.path)
        let f16Hash = try hashes.sha256(ofFileAt: TestEnvironment.fixture("tiny_gemma_vision/mmproj-f16.gguf").path)
        XCTAssertNotEqual(f32Hash, f16Hash)
        let whole = try EmbeddingCacheKey(image: image, pipeline: VisionPipeline(encoder: f32), mmprojHash: f32Hash)
        XCTAssertEqual(whole, try EmbeddingCacheKey(image: image, pipeline: VisionPipeline(encoder: f32), mmprojHash: f32Hash))
        XCTAssertNotEqual(whole, try EmbeddingCacheKey(image: image, pipeline: VisionPipeline(encoder: f32), mmprojHash: f16Hash))
        XCTAssertNotEqual(whole, try EmbeddingCacheKey(image: image, pipeline: VisionPipeline(encoder: f32, panAndScan: .gemma3), mmprojHash: f32Hash))
        XCTAssertTrue(whole.components.contains("size=\(f32.config.imageSize)x\(f32.config.imageSize)"), whole.components)
        XCTAssertTrue(whole.components.contains("picture=\(image.key)"), whole.components)
    }
}
