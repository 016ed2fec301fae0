import Foundation
@testable import Gemma
import GGUF
import TestSupport
import XCTest

/// Memory planning from headers alone (issue 15): a 27B-shaped file of a few hundred KB
/// (Tools/make_memory_fixtures.py wrote it and, with its own arithmetic, what the plan
/// must find) is planned for without its 16.5 GB of weights.
final class MemoryEstimateTests: XCTestCase {
    private struct Expected: Decodable {
        let file: String
        let tensors: Int
        let weights: Int
        let vocabulary: Int
        let kv: [String: Int]
    }

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: TestEnvironment.fixture("memory/expected.json")))
    }

    private var headerPath: String { TestEnvironment.fixture("memory/medgemma-27b-shaped-header.gguf").path }

    func testAHeaderOnlyFileIsReadForPlanningAndRefusedForLoading() throws {
        let want = try expected()
        XCTAssertThrowsError(try GGUFFile(path: headerPath)) { error in
            guard case .tensorOutOfBounds? = (error as? GGUFError)?.problem else { return XCTFail("\(error)") }
        }
        let header = try GGUFFile(headerOf: headerPath)
        XCTAssertTrue(header.isHeaderOnly)
        XCTAssertEqual(header.tensorInfos.count, want.tensors)
        XCTAssertEqual(header.tensorBytes, want.weights)
        XCTAssertNil(header.tensor(named: "token_embd.weight"), "no views into data that is not there")
        XCTAssertEqual(try GemmaConfig(file: header).vocabularySize, want.vocabulary)
    }

    func testTheEstimateAt27BShapesIsTheWeightsAndTheKVCacheOfEachContext() throws {
        let want = try expected()
        let header = try GGUFFile(headerOf: headerPath)
        for (context, kv) in want.kv {
            let estimate = try MemoryEstimate(model: header, contextSize: try XCTUnwrap(Int(context)))
            XCTAssertEqual(estimate.weights, want.weights)
            XCTAssertEqual(estimate.kvCache, kv, "context \(context)")
            XCTAssertEqual(estimate.vision, 0)
            // The rest (a prefill batch's buffers and the process) is a few hundred MB at most.
            XCTAssertLessThan(estimate.buffers + estimate.fixed, 400 << 20)
            XCTAssertEqual(estimate.total, estimate.weights + estimate.kvCache + estimate.buffers + estimate.fixed)
        }
    }

    /// Not enough memory for 32k: the plan says which smaller context fits. With room for
    /// the weights, the 4096-token cache and 600 MB, 4096 fits and 8192 does not (its cache
    /// is 335 MB larger, the rest needs under 500 MB with the headroom).
    func testWhenTheContextDoesNotFitTheLargestThatDoesIsNamed() throws {
        let want = try expected()
        let header = try GGUFFile(headerOf: headerPath)
        let kv4096 = try XCTUnwrap(want.kv["4096"])
        let available = want.weights + kv4096 + (600 << 20)
        let plan = try MemoryPlan(model: header, contextSize: 32768, available: available)
        XCTAssertFalse(plan.fits)
        XCTAssertEqual(plan.fittingContext, 4096)
        let none = try MemoryPlan(model: header, contextSize: 8192, available: want.weights / 2)
        XCTAssertFalse(none.fits)
        XCTAssertNil(none.fittingContext, "no context makes half the weights enough")
        XCTAssertTrue(try MemoryPlan(model: header, contextSize: 8192, available: nil).fits, "unknown memory refuses nothing")
    }

    /// The planned cache is the cache `KVCache` allocates, windowed or not, f16 or f32.
    func testThePlannedKVCacheIsTheAllocatedOne() throws {
        let config = try GemmaConfig(file: GGUFFile(path: try TestEnvironment.defaultModel()))
        for (capacity, storage, windowed) in [(4096, KVCache.Storage.f16, true), (1024, .f32, true), (2048, .f16, false), (300, .f16, true)] {
            let cache = KVCache(config: config, capacity: capacity, storage: storage, windowed: windowed)
            XCTAssertEqual(KVCache.byteCount(config: config, capacity: capacity, storage: storage, windowed: windowed), cache.byteCount,
                           "\(capacity) \(storage) \(windowed)")
        }
    }
}
