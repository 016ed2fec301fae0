import Adapters
import Foundation
import Gemma
import TestSupport
import XCTest
@testable import Training

/// The whole backward pass on the tiny Gemma 3 (7 layers, sliding window 8 with one global
/// layer, GQA, tied output): the LoRA gradients against central differences of the loss.
final class LossAndGradientsTests: XCTestCase {
    private func adapter(_ c: GemmaConfig, rank: Int = 2, seed: UInt64 = 5) -> TrainableAdapter {
        var rng = SplitMix64(seed: seed)
        func values(_ n: Int, _ scale: Float) -> [Float] { (0..<n).map { _ in (Float(rng.next() % 2001) / 1000 - 1) * scale } }
        let d = c.embeddingLength, q = c.headCount * c.headDim, kv = c.kvHeadCount * c.headDim, f = c.feedForwardLength
        let shapes: [TextProjection: (Int, Int)] = [.q: (d, q), .k: (d, kv), .v: (d, kv), .output: (q, d), .gate: (d, f), .up: (d, f), .down: (f, d)]
        let layers = (0..<c.layerCount).map { _ in
            Dictionary(uniqueKeysWithValues: TextProjection.allCases.map { p in
                let (i, o) = shapes[p]!
                return (p, LoRAPair(rank: rank, inputs: i, outputs: o, scale: 2, a: values(rank * i, 0.3), b: values(o * rank, 0.1)))
            })
        }
        return TrainableAdapter(rank: rank, alpha: Float(2 * rank), layers: layers)
    }

    func testGradientsMatchFiniteDifferencesOfTheLoss() throws {
        try checkGradients(dropout: 0)
    }

    /// LoRA dropout: the same masks in the forward pass, its recomputation and the backward
    /// pass, so the gradient is still that of the (now masked) loss.
    func testGradientsWithDropoutMatchFiniteDifferences() throws {
        try checkGradients(dropout: 0.3)
    }

    private func checkGradients(dropout: Float) throws {
        let model = try GemmaModel(path: TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path)
        var rng = SplitMix64(seed: 9)
        let ids: [Int32] = [2] + (0..<19).map { _ in Int32(4 + rng.next() % 500) }
        let labels = ids.enumerated().map { $0.offset < 9 ? TrainingExample.ignored : $0.element }
        let batch = [TrainingExample(ids: ids, labels: labels)]
        var pass = LossAndGradients(model: model, dropout: dropout)
        pass.dropoutSeed = 7
        var trained = adapter(model.config)
        let loss = pass.run(batch, adapter: &trained)
        XCTAssertGreaterThan(loss, 1)
        if dropout > 0 {
            var plain = trained
            let without = LossAndGradients(model: model).run(batch, adapter: &plain)
            XCTAssertGreaterThan(abs(without - loss), 1e-4, "the masks change the loss")
        }
        // A few entries of A and B in a local and in the global layer.
        for (layer, projection, isA, index) in [(0, TextProjection.q, true, 3), (0, .down, false, 5), (5, .k, true, 7),
                                                (5, .v, false, 2), (6, .up, true, 11), (3, .output, false, 1)] {
            func lossWith(_ delta: Float) -> Double {
                var copy = trained
                if isA { copy.layers[layer][projection]!.a[index] += delta } else { copy.layers[layer][projection]!.b[index] += delta }
                return pass.run(batch, adapter: &copy)
            }
            let h: Float = 1e-2
            let numeric = (lossWith(h) - lossWith(-h)) / Double(2 * h)
            let pair = trained.layers[layer][projection]!
            let analytic = Double(isA ? pair.gradientA[index] : pair.gradientB[index])
            XCTAssertEqual(analytic, numeric, accuracy: 0.02 * abs(numeric) + 1e-4, "layer \(layer) \(projection) \(isA ? "A" : "B")[\(index)]")
            print("layer \(layer) \(projection) \(isA ? "A" : "B")[\(index)]: analytic \(analytic), numeric \(numeric)")
        }
    }

    /// Keeping every layer's activations, recomputing every layer (no budget), and taking
    /// the output's targets a few rows at a time give the same loss and gradients — the
    /// memory settings change the work, never the numbers.
    func testMemoryBudgetsDoNotChangeTheResult() throws {
        let model = try GemmaModel(path: TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path)
        var rng = SplitMix64(seed: 11)
        let batch = (0..<3).map { n -> TrainingExample in
            let ids: [Int32] = [2] + (0..<(12 + 5 * n)).map { _ in Int32(4 + rng.next() % 500) }
            return TrainingExample(ids: ids, labels: ids.enumerated().map { $0.offset < 4 ? TrainingExample.ignored : $0.element })
        }
        func run(_ configure: (inout LossAndGradients) -> Void) -> (Double, [Float]) {
            var pass = LossAndGradients(model: model, dropout: 0.2)
            pass.dropoutSeed = 3
            configure(&pass)
            var trained = adapter(model.config)
            let loss = pass.run(batch, adapter: &trained)
            return (loss, trained.orderedKeys.flatMap { trained.layers[$0.layer][$0.projection]!.gradientA + trained.layers[$0.layer][$0.projection]!.gradientB })
        }
        let kept = run { _ in }
        let recomputed = run { $0.activationBudget = 0 }
        let half = run { $0.activationBudget = 60_000 }
        XCTAssertEqual(recomputed.0, kept.0)
        XCTAssertEqual(recomputed.1, kept.1, "recomputation repeats the forward pass exactly")
        XCTAssertEqual(half.1, kept.1)
        let grouped = run { $0.logitBudget = 3 * model.config.vocabularySize * 4 }
        XCTAssertEqual(grouped.0, kept.0, accuracy: 1e-6 * kept.0)
        let scale = kept.1.map(abs).max()!
        XCTAssertLessThan(zip(grouped.1, kept.1).map { abs($0 - $1) }.max()! / scale, 1e-5)
    }

    /// Trained copies of the embedding and the output matrix (modules_to_save): their
    /// gradients against central differences of the loss, and the copies start as the base
    /// (same loss as without them).
    func testEmbeddingAndOutputCopiesMatchFiniteDifferences() throws {
        let model = try GemmaModel(path: TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path)
        var rng = SplitMix64(seed: 21)
        let ids: [Int32] = [2] + (0..<15).map { _ in Int32(4 + rng.next() % 500) }
        let batch = [TrainingExample(ids: ids, labels: ids.enumerated().map { $0.offset < 5 ? TrainingExample.ignored : $0.element })]
        let pass = LossAndGradients(model: model)
        var plain = adapter(model.config)
        let base = pass.run(batch, adapter: &plain)
        var trained = plain
        trained.embedding = TrainableMatrix(copying: model.weights.tokenEmbedding)
        trained.output = TrainableMatrix(copying: model.weights.outputProjection)
        XCTAssertEqual(pass.run(batch, adapter: &trained), base, accuracy: 1e-6 * base, "the copies start as the base")
        XCTAssertEqual(trained.gradients.count, plain.gradients.count + 2)
        let d = model.config.embeddingLength
        // The gradient reaches only the rows of tokens in the input (and not the last, never an input).
        let used = Set(ids.dropLast().map(Int.init))
        for row in [0, 1, 3] where !used.contains(row) {
            XCTAssertTrue(trained.embedding!.gradient[(row * d)..<(row * d + d)].allSatisfy { $0 == 0 })
        }
        for (isEmbedding, index) in [(true, Int(ids[3]) * d + 5), (true, Int(ids[7]) * d + 17), (false, Int(ids[9]) * d + 2), (false, 123 * d + 7)] {
            func lossWith(_ delta: Float) -> Double {
                var copy = trained
                if isEmbedding { copy.embedding!.values[index] += delta } else { copy.output!.values[index] += delta }
                return pass.run(batch, adapter: &copy)
            }
            let h: Float = 1e-2
            let numeric = (lossWith(h) - lossWith(-h)) / Double(2 * h)
            let analytic = Double(isEmbedding ? trained.embedding!.gradient[index] : trained.output!.gradient[index])
            XCTAssertEqual(analytic, numeric, accuracy: 0.02 * abs(numeric) + 1e-4, "\(isEmbedding ? "embedding" : "output")[\(index)]")
            XCTAssertNotEqual(analytic, 0)
        }
    }
}
