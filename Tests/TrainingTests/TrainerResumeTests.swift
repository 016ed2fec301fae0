import Adapters
import Foundation
import Gemma
import TestSupport
import XCTest
@testable import Training

/// A run stopped and resumed from its checkpoint takes exactly the steps an unbroken run
/// takes: the same adapter bits and AdamW moments (dropout and data order included).
final class TrainerResumeTests: XCTestCase {
    func testResumeIsBitForBit() throws {
        try check(copies: false)
    }

    /// With trained copies of the embedding and the output matrix, their values and moments
    /// are saved and restored too.
    func testResumeWithTrainedCopiesIsBitForBit() throws {
        try check(copies: true)
    }

    private func check(copies: Bool) throws {
        let model = try GemmaModel(path: TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path)
        var rng = SplitMix64(seed: 3)
        let examples = (0..<3).map { k -> TrainingExample in
            let ids: [Int32] = [2] + (0..<(8 + 3 * k)).map { _ in Int32(4 + rng.next() % 500) }
            return TrainingExample(ids: ids, labels: ids.enumerated().map { $0.offset < 4 ? TrainingExample.ignored : $0.element })
        }
        var settings = TrainingSettings()
        settings.rank = 2
        settings.alpha = 4
        settings.steps = 4
        settings.batchSize = 1
        settings.accumulation = 2
        settings.learningRate = 1e-2
        settings.dropout = 0.1
        var initial = TrainableAdapter.initial(for: model.config, rank: 2, alpha: 4, targets: [.q, .v, .down], seed: settings.seed)
        if copies {
            initial.embedding = TrainableMatrix(copying: model.weights.tokenEmbedding)
            initial.output = TrainableMatrix(copying: model.weights.outputProjection)
        }
        var straight = Trainer(model: model, settings: settings, examples: examples, adapter: initial)
        while !straight.finished { _ = straight.step() }

        var first = Trainer(model: model, settings: settings, examples: examples, adapter: initial)
        _ = first.step()
        _ = first.step()
        let path = NSTemporaryDirectory() + "checkpoint-\(getpid()).gguf"
        defer { unlink(path) }
        try first.checkpoint(settings: settings.fingerprint).write(to: path)
        let saved = try TrainingCheckpoint.read(path: path)
        XCTAssertEqual(saved.settings, settings.fingerprint)
        XCTAssertEqual(saved.position, 4)
        var resumed = Trainer(model: model, settings: settings, examples: examples, adapter: initial)
        resumed.restore(saved)
        while !resumed.finished { _ = resumed.step() }
        XCTAssertEqual(resumed.optimizer.step, 4)
        for (l, p) in straight.adapter.orderedKeys {
            let a = straight.adapter.layers[l][p]!, b = resumed.adapter.layers[l][p]!
            XCTAssertEqual(a.a.map(\.bitPattern), b.a.map(\.bitPattern), "layer \(l) \(p) A")
            XCTAssertEqual(a.b.map(\.bitPattern), b.b.map(\.bitPattern), "layer \(l) \(p) B")
        }
        XCTAssertEqual(straight.optimizer.second.flatMap { $0 }.map(\.bitPattern), resumed.optimizer.second.flatMap { $0 }.map(\.bitPattern))
        XCTAssertNotEqual(straight.adapter.layers[0][.q]!.b, initial.layers[0][.q]!.b, "the steps moved B off zero")
        XCTAssertEqual(straight.optimizer.second.count, resumed.optimizer.second.count)
        if copies {
            XCTAssertEqual(straight.optimizer.second.count, 2 * 3 * model.config.layerCount + 2)
            XCTAssertEqual(straight.adapter.embedding!.values.map(\.bitPattern), resumed.adapter.embedding!.values.map(\.bitPattern))
            XCTAssertEqual(straight.adapter.output!.values.map(\.bitPattern), resumed.adapter.output!.values.map(\.bitPattern))
            XCTAssertNotEqual(straight.adapter.output!.values, initial.output!.values, "the copies are trained")
        }
    }
}
