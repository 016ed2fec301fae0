import XCTest
@testable import Gemma
import GGUF

/// The KV cache's f16 rows and sliding-window rings: a ring that has wrapped many times
/// gives the logits of a cache that keeps everything, going back works while the ring still
/// holds the window and empties the cache when it does not, and the size is what it says.
final class KVCacheTests: XCTestCase {
    /// The tiny random Gemma 3: 7 layers (6 local with an 8-token window, 1 global).
    private func tinyModel() throws -> GemmaModel { try GemmaModel(path: TinyGemmaFixture.modelPath) }

    private func tokens(_ n: Int, seed: Int) -> [Int32] { (0..<n).map { Int32(3 + ($0 * 7919 + seed * 104_729) % 500) } }

    /// Runs `ids` in batches of the given sizes (cycled), returning every row's logits.
    private func run(_ model: GemmaModel, _ ids: [Int32], batches: [Int], cache: KVCache) throws -> [Float] {
        var logits: [Float] = []
        var start = 0, b = 0
        while start < ids.count {
            let end = min(ids.count, start + batches[b % batches.count])
            logits += try model.forward(.tokens(Array(ids[start..<end])), cache: cache, allLogits: true)
            start = end
            b += 1
        }
        return logits
    }

    private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        XCTAssertEqual(a.count, b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// 100 positions through 12-slot rings (window 8 + batches of 4): they wrap eight times,
    /// in decode steps and in batches that straddle the wrap. Same f16 rows, same order of
    /// keys, so the logits of a cache that keeps every position come back to 1e-5; against
    /// an f32 cache they differ only by f16 rounding.
    func testRingWrapsAcrossBatchesLikeAFullCache() throws {
        let model = try tinyModel()
        let ids = tokens(100, seed: 1)
        let batches = [4, 1, 3, 4, 2, 1, 1, 4]
        let ring = KVCache(config: model.config, capacity: 128, storage: .f16, batchSize: 4)
        XCTAssertEqual(ring.ringSlots, 12)
        let full = KVCache(config: model.config, capacity: 128, storage: .f16, windowed: false)
        let exact = KVCache(config: model.config, capacity: 128, storage: .f32, windowed: false)
        let a = try run(model, ids, batches: batches, cache: ring)
        let b = try run(model, ids, batches: batches, cache: full)
        let c = try run(model, ids, batches: batches, cache: exact)
        XCTAssertEqual(ring.count, 100)
        XCTAssertLessThan(maxDifference(a, b), 1e-5, "ring against every position, both f16")
        let rounding = maxDifference(a, c)
        XCTAssertLessThan(rounding, 2e-2, "f16 ring against an f32 cache")
        XCTAssertGreaterThan(rounding, 0, "the f16 cache rounds")
        print("ring vs full f16: \(maxDifference(a, b)); f16 ring vs f32: \(rounding)")
    }

    /// A batch bigger than the ring was sized for grows it, keeping what it held.
    func testABatchLargerThanTheRingGrowsIt() throws {
        let model = try tinyModel()
        let ids = tokens(70, seed: 2)
        let ring = KVCache(config: model.config, capacity: 128, storage: .f16, batchSize: 2)
        XCTAssertEqual(ring.ringSlots, 10)
        let full = KVCache(config: model.config, capacity: 128, storage: .f16, windowed: false)
        let batches = [2, 1, 2, 2, 2, 2, 2, 20, 1, 30]
        XCTAssertLessThan(maxDifference(try run(model, ids, batches: batches, cache: ring),
                                        try run(model, ids, batches: batches, cache: full)), 1e-5)
        XCTAssertEqual(ring.ringSlots, 8 + 30)
    }

    /// Going back a little keeps the cache (the window before the new position is still in
    /// the ring) and continues exactly like a fresh run; going back further than the ring
    /// holds empties it, and the caller starts again.
    func testTruncateKeepsOnlyWhatTheRingStillHolds() throws {
        let model = try tinyModel()
        let ids = tokens(40, seed: 3), more = tokens(6, seed: 4)
        let cache = KVCache(config: model.config, capacity: 64, storage: .f16, batchSize: 4)
        _ = try run(model, ids, batches: [4], cache: cache)
        // The rings (12 slots) hold positions 28 ..< 40; a query at 35 needs 28 ..< 35.
        XCTAssertTrue(cache.canResume(at: 35))
        XCTAssertFalse(cache.canResume(at: 34))
        XCTAssertEqual(cache.truncate(to: 35), 35)
        let resumed = try run(model, more, batches: [4], cache: cache)
        // The same batches up to 36 (so the same rows were computed), back to 35, then `more`.
        let fresh = KVCache(config: model.config, capacity: 64, storage: .f16, windowed: false)
        _ = try run(model, Array(ids[..<36]), batches: [4], cache: fresh)
        XCTAssertEqual(fresh.truncate(to: 35), 35)
        XCTAssertLessThan(maxDifference(resumed, try run(model, more, batches: [4], cache: fresh)), 1e-5)

        XCTAssertEqual(cache.truncate(to: 20), 0, "positions 13 ..< 20 were overwritten")
        XCTAssertEqual(cache.count, 0)
        XCTAssertEqual(cache.truncate(to: 0), 0)
    }

    /// Back to 0 after the rings wrapped (another case's context shares less than one
    /// aligned block): the cache starts again like a new one — the second batch used to trap
    /// (the oldest position held was still the old conversation's) — and its logits are a
    /// fresh cache's.
    func testBackToTheStartAfterTheRingsWrappedIsANewCache() throws {
        let model = try tinyModel()
        let cache = KVCache(config: model.config, capacity: 64, storage: .f16, batchSize: 4)
        _ = try run(model, tokens(40, seed: 5), batches: [4], cache: cache)
        XCTAssertEqual(cache.truncate(to: 0), 0)
        let other = tokens(24, seed: 6)
        let again = try run(model, other, batches: [4], cache: cache)
        XCTAssertTrue(cache.canResume(at: 20))
        let fresh = KVCache(config: model.config, capacity: 64, storage: .f16, batchSize: 4)
        XCTAssertEqual(again, try run(model, other, batches: [4], cache: fresh))
    }

    /// A conversation whose cache can no longer serve the shared prefix runs the prompt
    /// again from the start instead of attending to overwritten rows.
    func testConversationReusePrefillsAgainWhenTheRingMovedOn() throws {
        let model = try tinyModel()
        let conversation = Conversation(model: model, contextSize: 2048)
        XCTAssertEqual(conversation.cache.ringSlots, 1024, "window 8 + batches of 512, in whole pieces of 512")
        let ids = tokens(1200, seed: 5)
        XCTAssertEqual(conversation.reuse(for: ids), 0)
        _ = try model.prefill(ids, cache: conversation.cache)
        conversation.cachedTokens = ids
        // The rings hold positions 176 ..< 1200: the same first 150 tokens, then something
        // else, would need positions 143 ..< 150, which were overwritten.
        XCTAssertEqual(conversation.reuse(for: Array(ids[..<150]) + tokens(5, seed: 6)), 0)
        XCTAssertEqual(conversation.cache.count, 0)
        XCTAssertTrue(conversation.cachedTokens.isEmpty)
        // Going back a few tokens is served by the ring.
        _ = try model.prefill(ids, cache: conversation.cache)
        conversation.cachedTokens = ids
        XCTAssertEqual(conversation.reuse(for: Array(ids[..<1195]) + tokens(5, seed: 6)), 1195)
    }

    /// The real 270M model (window 512, rings of 1024) on the llama.cpp fixture's prompt past
    /// 1024 tokens: the third prefill batch and the decode steps after it wrap the rings, and
    /// the logits stay exactly those of a cache that keeps every position. Exactly, because
    /// on this prompt a mere change in the order of the attention's sums (float rounding)
    /// moves logits by ~1: the ring wraps only where the products' pieces end anyway.
    func testARealPromptPastTheRingMatchesAFullCache() throws {
        let model = try GemmaModel(path: try TestModel.path())
        let prompt = try XCTUnwrap(LlamaCppFixture.load().prompts.first { $0.ids.count > 1024 }, "a fixture prompt past 1024 tokens")
        let steps = prompt.settings["fa_off"]!.greedy.ids.prefix(8)
        let ring = model.makeCache(capacity: prompt.ids.count + steps.count)
        let full = KVCache(config: model.config, capacity: ring.capacity, storage: .f16, windowed: false)
        XCTAssertEqual(ring.ringSlots, 1024)
        var a = try model.prefill(prompt.ids, cache: ring), b = try model.prefill(prompt.ids, cache: full)
        XCTAssertLessThan(maxDifference(a, b), 1e-4, "prefill")
        for token in steps {
            a = try model.forward(.tokens([token]), cache: ring)
            b = try model.forward(.tokens([token]), cache: full)
            XCTAssertLessThan(maxDifference(a, b), 1e-4, "decode after \(ring.count - 1) positions")
        }
        XCTAssertLessThan(ring.byteCount, full.byteCount)
    }

    /// MedGemma 4B's shape: 34 layers, 4 KV heads × 256, window 1024, every sixth layer
    /// global. A 32k context in f16 is the 5 global layers' 32 768 rows plus 29 rings of
    /// 1024 + 512 rows, 2 KiB per row for keys and again for values: ≈ 0.8 GiB, against
    /// 4.25 GiB for every position of every layer.
    func testByteCountOfTheFourBillionModelsCache() {
        let config = GemmaConfig(embeddingLength: 2560, layerCount: 34, headCount: 8, kvHeadCount: 4, headDim: 256,
                                 feedForwardLength: 10240, vocabularySize: 262_144, slidingWindow: 1024, globalRopeScale: 1.0 / 8)
        XCTAssertEqual((0..<34).filter(config.isGlobal).count, 5)
        let cache = KVCache(config: config, capacity: 32768, storage: .f16)
        let rowBytes = 4 * 256 * 2
        XCTAssertEqual(cache.ringSlots, 1536)
        XCTAssertEqual(cache.byteCount, 2 * rowBytes * (5 * 32768 + 29 * 1536))
        XCTAssertEqual(cache.byteCount, 853_540_864)
        XCTAssertLessThan(cache.byteCount, 900_000_000)
        let exact = KVCache(config: config, capacity: 8192, storage: .f32)
        XCTAssertEqual(exact.byteCount, 2 * 2 * rowBytes * (5 * 8192 + 29 * 1536))
        // A context no longer than a ring keeps every position on every layer.
        let short = KVCache(config: config, capacity: 1000, storage: .f16)
        XCTAssertEqual(short.byteCount, 2 * rowBytes * 34 * 1000)
    }
}
