import Adapters
import Foundation
import Gemma
import MedImaging
import TestSupport
import VisionPreprocessing
import XCTest
@testable import Workstation

/// The provider with the tiny random vision fixture (float32 mmproj, text width 24): memory,
/// disk and encoder in the right order, and the background encoder sharing its work.
final class VisionEmbeddingProviderTests: XCTestCase {
    private var folder = ""
    private var hashes: FileHashCache!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "embedding-provider-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        hashes = FileHashCache(directory: folder + "/hashes")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func pipeline(_ mmproj: String = "mmproj-f32.gguf", panAndScan: PanAndScanOptions? = nil) throws -> VisionPipeline {
        VisionPipeline(encoder: try VisionEncoder(path: TestEnvironment.fixture("tiny_gemma_vision/" + mmproj).path, textWidth: 24),
                       panAndScan: panAndScan)
    }

    private func provider(_ pipeline: VisionPipeline) -> VisionEmbeddingProvider {
        VisionEmbeddingProvider(pipeline: pipeline, cache: EmbeddingCache(directory: folder + "/embeddings"), hashes: hashes)
    }

    /// A deterministic picture; `width > height` makes pan-and-scan cut crops.
    private func attachment(seed: UInt64, width: Int = 40, height: Int = 40) throws -> ImageAttachment {
        var rng = SplitMix64(seed: seed)
        let pixels = (0..<width * height * 3).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        return ImageAttachment(source: "study/img-\(seed).png", preparation: "", picture: try RGBImage(width: width, height: height, pixels: pixels))
    }

    private func bits(_ e: ImageEmbedding) -> [[UInt32]] { ([e] + e.crops).map { $0.rows.map(\.bitPattern) } }

    private func entryFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/embeddings")) ?? []).filter { $0.hasSuffix(".embedding") }.sorted()
    }

    /// Encoded once, stored; a new session (new provider) reads the same rows bit for bit
    /// from disk, without the encoder, and they equal a fresh encode by the pipeline.
    func testDiskRoundTripIsBitExact() throws {
        let pipeline = try pipeline(panAndScan: try PanAndScanOptions(minCropSize: 8, maxCrops: 2))
        let image = try attachment(seed: 1, width: 64, height: 24)
        let reference = try pipeline.encode(image.picture, key: image.key)
        XCTAssertEqual(reference.crops.count, 2, "the fixture picture is elongated enough for crops")

        let first = provider(pipeline)
        let encoded = try first.embedding(for: image) { _ in }
        XCTAssertEqual(first.encodeCount, 1)
        XCTAssertEqual(bits(encoded), bits(reference))
        XCTAssertEqual(entryFiles().count, 1)
        _ = try first.embedding(for: image) { _ in }
        XCTAssertEqual(first.encodeCount, 1, "the second request comes from memory")

        let second = provider(pipeline)
        let loaded = try second.embedding(for: image) { _ in }
        XCTAssertEqual(second.encodeCount, 0)
        XCTAssertEqual(second.diskHits, 1)
        XCTAssertEqual(bits(loaded), bits(reference))
        XCTAssertEqual(loaded.tokenCount, reference.tokenCount)
        XCTAssertEqual(([loaded] + loaded.crops).map(\.key), ([encoded] + encoded.crops).map(\.key),
                       "a loaded entry is the same image to the KV cache as a fresh one")
        XCTAssertTrue(second.isReady(image))
        XCTAssertFalse(second.isReady(try attachment(seed: 2)))
    }

    /// A cache that cannot be written (its folder would have to be under a file, which even
    /// root cannot make) costs nothing but the saving: the image is encoded, answered, and
    /// kept in memory; nothing is thrown.
    func testUnwritableCacheStillAnswers() throws {
        let pipeline = try pipeline()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/file", contents: Data("x".utf8)))
        let provider = VisionEmbeddingProvider(pipeline: pipeline, cache: EmbeddingCache(directory: folder + "/file/embeddings"), hashes: hashes)
        let image = try attachment(seed: 5)
        let reference = try pipeline.encode(image.picture, key: image.key)
        XCTAssertEqual(bits(try provider.embedding(for: image) { _ in }), bits(reference))
        XCTAssertEqual(bits(try provider.embedding(for: image) { _ in }), bits(reference))
        XCTAssertEqual(provider.encodeCount, 1, "the second answer comes from memory")
    }

    /// An entry damaged on disk (a byte flipped in its rows, then the file cut short) is a
    /// miss, never wrong rows: the next session encodes again, answers the reference bit for
    /// bit, and writes a good entry the one after reads.
    func testDamagedCacheEntryIsEncodedAgainAndReplaced() throws {
        let pipeline = try pipeline()
        let image = try attachment(seed: 9)
        let reference = try pipeline.encode(image.picture, key: image.key)
        _ = try provider(pipeline).embedding(for: image) { _ in }
        let file = folder + "/embeddings/" + (try XCTUnwrap(entryFiles().first))
        for damage in [{ (bytes: inout [UInt8]) in bytes[bytes.count - 5] ^= 0x40 }, { $0.removeLast($0.count / 3) }] {
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            damage(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let damaged = provider(pipeline)
            XCTAssertEqual(bits(try damaged.embedding(for: image) { _ in }), bits(reference))
            XCTAssertEqual(damaged.encodeCount, 1, "encoded again")
            XCTAssertEqual(damaged.diskHits, 0)
            let next = provider(pipeline)
            XCTAssertEqual(bits(try next.embedding(for: image) { _ in }), bits(reference))
            XCTAssertEqual(next.diskHits, 1, "the damaged entry was replaced")
        }
    }

    /// `:lora` with an adapter that reaches the tower (Google's notebook's, on this tiny
    /// model): images are encoded again through the adapted tower, under keys of their own;
    /// turned off, the plain tower's entries are still on disk. An adapter of the text model
    /// alone changes nothing here.
    func testVisionLoRASwapEncodesUnderItsOwnKeys() throws {
        let pipeline = try pipeline()
        let p = provider(pipeline)
        let image = try attachment(seed: 7)
        let plain = try p.embedding(for: image) { _ in }
        let model = try GemmaModel(path: TestEnvironment.fixture("tiny_gemma_vision/text.gguf").path)
        let adapter = try ModelAdapter(weights: PEFTAdapter.load(folder: TestEnvironment.fixture("peft/notebook").path),
                                       config: model.config, vision: pipeline.encoder.config)

        try p.setAdapters([ModelAdapter(name: "text-only", sha256: "0", layers: adapter.layers)])
        XCTAssertEqual(bits(try p.embedding(for: image) { _ in }), bits(plain))
        XCTAssertEqual(p.encodeCount, 1, "text-only LoRA: the same embedding, from memory")

        try p.setAdapters([adapter])
        let adapted = try p.embedding(for: image) { _ in }
        XCTAssertEqual(p.encodeCount, 2)
        XCTAssertNotEqual(adapted.key, plain.key, "another image to the KV cache")
        XCTAssertGreaterThan(zip(adapted.rows, plain.rows).map { abs($0 - $1) }.max()!, 0.05)
        XCTAssertEqual(bits(adapted), bits(try pipeline.encode(image.picture, key: image.key)), "the pipeline's tower is the adapted one")
        XCTAssertEqual(entryFiles().count, 2)

        try p.setAdapters([])
        let again = try p.embedding(for: image) { _ in }
        XCTAssertEqual(p.encodeCount, 2)
        XCTAssertEqual(p.diskHits, 1, "the plain tower's entry, from disk")
        XCTAssertEqual(bits(again), bits(plain))
        XCTAssertEqual(again.key, plain.key)
    }

    /// A damaged entry (flipped byte, truncated) is detected, and the picture re-encoded to
    /// the same rows and stored again.
    func testCorruptEntryIsRecomputed() throws {
        let pipeline = try pipeline()
        let image = try attachment(seed: 3)
        let reference = try provider(pipeline).embedding(for: image) { _ in }
        let path = folder + "/embeddings/" + entryFiles()[0]
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        for damage in [{ (d: inout Data) in d[d.count / 2] ^= 0x10 }, { (d: inout Data) in d = d.prefix(d.count - 7) }] {
            var bad = good
            damage(&bad)
            try bad.write(to: URL(fileURLWithPath: path))
            let fresh = provider(pipeline)
            let lines = EmbeddingTestRecorder<String>()
            let again = try fresh.embedding(for: image) { lines.append($0) }
            XCTAssertEqual(fresh.encodeCount, 1)
            XCTAssertEqual(fresh.diskHits, 0)
            XCTAssertTrue(lines.values.contains { $0.contains("damaged") }, "\(lines.values)")
            XCTAssertEqual(bits(again), bits(reference))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), good, "rewritten intact")
        }
    }

    /// Another mmproj or another pan-and-scan setting does not reuse the entry.
    func testDifferentSettingsAreDifferentEntries() throws {
        let image = try attachment(seed: 4, width: 64, height: 24)
        _ = try provider(try pipeline()).embedding(for: image) { _ in }
        let f16 = provider(try pipeline("mmproj-f16.gguf"))
        _ = try f16.embedding(for: image) { _ in }
        XCTAssertEqual(f16.encodeCount, 1)
        let crops = provider(try pipeline(panAndScan: try PanAndScanOptions(minCropSize: 8, maxCrops: 2)))
        _ = try crops.embedding(for: image) { _ in }
        XCTAssertEqual(crops.encodeCount, 1)
        XCTAssertEqual(entryFiles().count, 3)
    }

    /// Prefetched images are ready for the question: no second encode, and the background
    /// reports each image.
    func testPrefetchThenAskDoesNotEncodeAgain() throws {
        let provider = provider(try pipeline())
        let images = [try attachment(seed: 5), try attachment(seed: 6)]
        let states = EmbeddingTestRecorder<BackgroundEncodingState>()
        provider.background.onChange = { states.append($0) }
        provider.background.prefetch(images, labels: ["cxr-01 frontal", "cxr-01 lateral"])
        XCTAssertTrue(provider.background.waitUntilIdle(timeout: 120))
        XCTAssertEqual(provider.encodeCount, 2)
        XCTAssertEqual(entryFiles().count, 2)
        for image in images { _ = try provider.embedding(for: image) { _ in } }
        XCTAssertEqual(provider.encodeCount, 2)
        XCTAssertEqual(provider.diskHits, 0, "from memory")
        let labels = states.values.compactMap { state -> String? in
            if case .encoding(let index, let total, let label, _) = state { return "\(index)/\(total) \(label)" }
            return nil
        }
        XCTAssertEqual(Array(Set(labels)).sorted(), ["1/2 cxr-01 frontal", "2/2 cxr-01 lateral"])
        XCTAssertEqual(labels.first, "1/2 cxr-01 frontal")
        XCTAssertEqual(labels.last, "2/2 cxr-01 lateral")
    }

    /// A question about the image the background is encoding waits for that result rather
    /// than encoding it a second time. The background is held inside its encode until the
    /// question has said it is waiting.
    func testQuestionDuringBackgroundEncodingWaitsForIt() throws {
        let provider = provider(try pipeline())
        let image = try attachment(seed: 7)
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let encodes = EmbeddingTestRecorder<String>()
        provider.willEncode = { image in
            encodes.append(image.key)
            if encodes.values.count == 1 { inside.signal(); release.wait() }  // only the background's
        }
        provider.background.prefetch([image])
        XCTAssertEqual(inside.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(provider.background.encodingKey, image.key)

        let answered = expectation(description: "embedding")
        let lines = EmbeddingTestRecorder<String>()
        let result = EmbeddingTestRecorder<ImageEmbedding>()
        DispatchQueue.global().async {
            let embedding = try? provider.embedding(for: image) { line in
                lines.append(line)
                release.signal()  // the question is waiting: let the background finish
            }
            if let embedding { result.append(embedding) }
            answered.fulfill()
        }
        wait(for: [answered], timeout: 60)
        XCTAssertEqual(lines.values, ["encoding image (started in the background)…"])
        XCTAssertEqual(result.values.count, 1)
        release.signal()
        XCTAssertTrue(provider.background.waitUntilIdle(timeout: 60))
        XCTAssertEqual(provider.encodeCount, 1)
        XCTAssertEqual(encodes.values, [image.key])
    }

    /// An image the background has not started is encoded at once for the question, while
    /// the background waits; afterwards the background skips it.
    func testQuestionBeforeBackgroundStartsEncodesAtOnce() throws {
        let provider = provider(try pipeline())
        let images = [try attachment(seed: 8), try attachment(seed: 9)]
        provider.background.pause()  // as the TUI does while a reply generates
        provider.background.prefetch(images)
        _ = try provider.embedding(for: images[1]) { _ in }
        XCTAssertEqual(provider.encodeCount, 1)
        XCTAssertEqual(provider.background.state, .paused(index: 1, total: 2, label: "img-8.png"))
        provider.background.resume()
        XCTAssertTrue(provider.background.waitUntilIdle(timeout: 120))
        XCTAssertEqual(provider.encodeCount, 2, "the background encoded only the other image")
        XCTAssertEqual(provider.background.state, .idle)
    }

    /// Past the memory limit the oldest embedding is dropped from memory and read from disk.
    func testMemoryLimit() throws {
        let provider = VisionEmbeddingProvider(pipeline: try pipeline(), cache: EmbeddingCache(directory: folder + "/embeddings"),
                                               hashes: hashes, memoryLimit: 1)
        let a = try attachment(seed: 11), b = try attachment(seed: 12)
        _ = try provider.embedding(for: a) { _ in }
        _ = try provider.embedding(for: b) { _ in }
        _ = try provider.embedding(for: b) { _ in }
        XCTAssertEqual(provider.diskHits, 0)
        _ = try provider.embedding(for: a) { _ in }
        XCTAssertEqual(provider.diskHits, 1)
        XCTAssertEqual(provider.encodeCount, 2)
    }

    /// Without a disk cache nothing is written and the pipeline's own keys are kept.
    func testMemoryOnlyProvider() throws {
        let pipeline = try pipeline()
        let image = try attachment(seed: 10)
        let provider = VisionEmbeddingProvider(pipeline: pipeline, hashes: hashes)
        let embedding = try provider.embedding(for: image) { _ in }
        XCTAssertEqual(embedding.key, try pipeline.encode(image.picture, key: image.key).key)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/embeddings"))
    }
}
