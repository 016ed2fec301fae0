import Adapters
import Foundation
import Gemma
import TestSupport
import XCTest
@testable import Workstation

/// `:lora` on the in-process backend: the text model and the vision tower take an adapter
/// together, between replies; one the tower refuses changes neither.
final class LocalEngineAdapterSwapTests: XCTestCase {
    private static func path(_ file: String) -> String { TestEnvironment.fixture("tiny_gemma_vision/" + file).path }

    private func swap(_ backend: LocalEngineBackend, _ adapters: [ModelAdapter]) -> Error? {
        final class Outcome: @unchecked Sendable { var error: Error? }
        let done = DispatchSemaphore(value: 0), outcome = Outcome()
        backend.setAdapters(adapters) { error in
            outcome.error = error
            done.signal()
        }
        done.wait()
        return outcome.error
    }

    func testTextAndVisionSwapTogetherOrNotAtAll() throws {
        let engine = try Engine(path: Self.path("text-chat.gguf"))
        let encoder = try VisionEncoder(path: Self.path("mmproj-f32.gguf"), for: engine.model)
        let backend = LocalEngineBackend(engine: engine, modelName: "tiny", contextSize: 256,
                                         images: VisionEmbeddingProvider(pipeline: VisionPipeline(encoder: encoder)))
        let notebook = try ModelAdapter(weights: PEFTAdapter.load(folder: TestEnvironment.fixture("peft/notebook").path),
                                        config: engine.model.config)
        XCTAssertNil(swap(backend, [notebook]))
        XCTAssertEqual(engine.model.adapters.map(\.name), ["notebook"])
        XCTAssertEqual(encoder.adapters.map(\.name), ["notebook"])
        XCTAssertEqual(backend.adapterSummary, "notebook")

        // A vision LoRA for a deeper tower: refused by the tower, so nothing changes.
        let deep = ModelAdapter(name: "deep", sha256: "1", layers: notebook.layers,
                                visionLayers: notebook.visionLayers + notebook.visionLayers)
        let refused = swap(backend, [deep])
        XCTAssertEqual(refused.map { "\($0)" }, "deep: 'v.blk.2.attn_k' is for vision layer 2; the tower has 2 layers (an adapter for another base model?)")
        XCTAssertEqual(engine.model.adapters.map(\.name), ["notebook"])
        XCTAssertEqual(encoder.adapters.map(\.name), ["notebook"])
        XCTAssertEqual(backend.adapterSummary, "notebook")

        XCTAssertNil(swap(backend, []))
        XCTAssertTrue(engine.model.adapters.isEmpty)
        XCTAssertTrue(encoder.adapters.isEmpty)
        XCTAssertNil(backend.adapterSummary)
    }
}
