import Gemma
import TestSupport
import XCTest
@testable import Training

/// The held-out loss and its interval: with equal target counts the ratio estimator is the
/// mean of the per-example means and its interval 1.96 × scipy.stats.sem of them; with
/// unequal counts the delta-method value worked out separately (numpy, same formula); and
/// measured on the model it is the batch's token mean.
final class HeldOutLossTests: XCTestCase {
    func testEqualCountsGiveTheStandardErrorOfTheMean() {
        // scipy: (s/3).mean() = 2.625, 1.96 * stats.sem(s/3) = 1.086504333478089
        let loss = HeldOutLoss(sums: [6, 9, 4.5, 12], counts: [3, 3, 3, 3])
        XCTAssertEqual(loss.mean, 2.625, accuracy: 1e-12)
        XCTAssertEqual(loss.halfWidth, 1.086504333478089, accuracy: 1e-12)
        XCTAssertEqual(loss.examples, 4)
    }

    func testUnequalCountsWeighByTargets() {
        // numpy: L = Σs/Σn, 1.96·√(Σ(s − L·n)² / (m(m−1))) / mean(n)
        let loss = HeldOutLoss(sums: [3, 10.5, 7.25, 1, 12, 0], counts: [2, 5, 3, 1, 6, 0])
        XCTAssertEqual(loss.mean, 1.9852941176470589, accuracy: 1e-12)
        XCTAssertEqual(loss.halfWidth, 0.2553546066629223, accuracy: 1e-12)
        XCTAssertEqual(loss.examples, 5, "an example without targets is not counted")
        XCTAssertEqual(HeldOutLoss(sums: [4], counts: [2]), HeldOutLoss(sums: [4], counts: [2]))
        XCTAssertEqual(HeldOutLoss(sums: [4], counts: [2]).halfWidth, 0)
    }

    func testMeasuredMeanIsTheBatchTokenMean() throws {
        let model = try GemmaModel(path: TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path)
        var rng = SplitMix64(seed: 4)
        let examples = (0..<4).map { k -> TrainingExample in
            let ids: [Int32] = [2] + (0..<(6 + 4 * k)).map { _ in Int32(4 + rng.next() % 500) }
            return TrainingExample(ids: ids, labels: ids.enumerated().map { $0.offset < 3 ? TrainingExample.ignored : $0.element })
        }
        var adapter = TrainableAdapter.initial(for: model.config, rank: 2, alpha: 4, targets: [.q, .down], seed: 1)
        let batch = LossAndGradients(model: model).run(examples, adapter: &adapter)
        // One packed pass gives each example's sum: the same as each example run alone.
        let pass = LossAndGradients(model: model)
        let alone = examples.map { e -> Double in
            var copy = adapter
            return pass.run([e], adapter: &copy, totalTargets: 1)
        }
        let packed = pass.exampleLosses([TrainingExample(ids: [], labels: [])] + examples, adapter: adapter)
        XCTAssertEqual(packed.count, 5)
        XCTAssertEqual(packed[0], 0, "an empty example has no loss")
        for (p, a) in zip(packed.dropFirst(), alone) { XCTAssertEqual(p, a, accuracy: 1e-5 * a) }
        let measured = HeldOutLoss.measure(examples, model: model, adapter: adapter, packing: 3)
        let expected = HeldOutLoss(sums: alone, counts: examples.map(\.targets.count))
        XCTAssertEqual(measured.halfWidth, expected.halfWidth, accuracy: 1e-4 * expected.halfWidth, "packed three at a time, each example's own sum")
        XCTAssertEqual(measured.mean, batch, accuracy: 1e-5 * batch)
        XCTAssertGreaterThan(measured.halfWidth, 0)
        XCTAssertEqual(measured.examples, 4)
    }
}
