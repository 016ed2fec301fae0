import XCTest
import TestSupport
import Adapters
@testable import Gemma

/// The update's arithmetic on numbers worked out by hand, and what swapping adapters does
/// to a conversation's cache.
final class LoRAUpdateTests: XCTestCase {
    func testUpdateIsScaleTimesBTimesAx() {
        // A = [[1, 2, 0], [0, 1, -1]] (rank 2 × 3 inputs), B = [[1, 0], [2, 1]] (2 outputs × rank 2).
        let update = LoRAUpdate(a: [1, 2, 0, 0, 1, -1], b: [1, 0, 2, 1], rank: 2, inputs: 3, outputs: 2, scale: 0.5)
        // x rows (1, 1, 1) and (2, 0, 1): A·x = (3, 0) and (2, -1); B·(A·x) = (3, 6) and (2, 3).
        let x: [Float] = [1, 1, 1, 2, 0, 1]
        var y: [Float] = [10, 20, 30, 40]
        update.add(x, rows: 2, factor: 2, into: &y)
        // y += 2 · 0.5 · B·(A·x)
        XCTAssertEqual(y, [13, 26, 32, 43])
        // One row takes the decode loops: the same numbers.
        var one: [Float] = [10, 20]
        update.add(x, rows: 1, factor: 2, into: &one)
        XCTAssertEqual(one, [13, 26])
    }

    func testChangingAdaptersRunsTheConversationAgain() throws {
        let engine = try Engine(path: TinyGemmaFixture.modelPath)
        let model = engine.model
        let c = model.config
        let conversation = Conversation(model: model, contextSize: 64)
        conversation.addUser("hello")
        let before = try engine.nextTokenLogits(for: conversation)
        // An update of layer 0's q projection only.
        var random = SplitMix64(seed: 7)
        let rank = 2, (inputs, outputs) = ModelAdapter.shape(of: .q, c)
        let update = LoRAUpdate(a: (0..<(rank * inputs)).map { _ in Float(random.nextUniform() - 0.5) }, b: (0..<(outputs * rank)).map { _ in Float(random.nextUniform() - 0.5) },
                                rank: rank, inputs: inputs, outputs: outputs, scale: 1)
        var layers = [[TextProjection: LoRAUpdate]](repeating: [:], count: c.layerCount)
        layers[0][.q] = update
        let done = expectation(description: "applied")
        engine.setAdapters([ModelAdapter(name: "test", sha256: "", layers: layers)]) { done.fulfill() }
        wait(for: [done], timeout: 10)
        let after = try engine.nextTokenLogits(for: conversation)
        let fresh = Conversation(model: model, contextSize: 64)
        fresh.addUser("hello")
        let expected = try engine.nextTokenLogits(for: fresh)
        XCTAssertEqual(after, expected, "the cached prompt ran again under the adapter")
        XCTAssertGreaterThan(zip(before, after).map { abs($0 - $1) }.max()!, 1e-3, "the adapter changed the logits")
    }
}
