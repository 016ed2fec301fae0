import Adapters
import Foundation
import GGUF
import Gemma
import TestSupport
import XCTest
@testable import Training

/// Gradients, loss and five AdamW steps against PyTorch autograd through `peft` and
/// `torch.optim.AdamW` with transformers' linear schedule (Tools/make_training_fixtures.py):
/// the tiny Gemma 3 with text examples, and the tiny vision model with an image example
/// (its rows from the frozen tower) beside a text one.
final class TrainingAgainstPEFTTests: XCTestCase {
    private struct Case {
        let json: [String: Any]
        let model: GemmaModel
        let examples: [TrainingExample]
        let adapter: TrainableAdapter
    }

    private func load(_ name: String, model modelPath: String, mmproj: String?) throws -> Case {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: TestEnvironment.fixture("training/\(name).json"))) as? [String: Any])
        let model = try GemmaModel(path: TestEnvironment.fixture(modelPath).path)
        model.precision = .reference
        let folder = TestEnvironment.fixture("training/" + (json["adapter"] as! String)).path
        let adapter = try TrainableAdapter(weights: PEFTAdapter.load(folder: folder), config: model.config)
        let encoder = try mmproj.map { try VisionEncoder(path: TestEnvironment.fixture($0).path, for: model) }
        let pictures = try mmproj.map { _ in try TinyImages.pixels() } ?? []
        let examples = try (json["examples"] as! [[String: Any]]).map { e -> TrainingExample in
            let ids = (e["ids"] as! [NSNumber]).map { Int32($0.intValue) }
            let labels = (e["labels"] as! [NSNumber]).map { Int32($0.intValue) }
            guard let image = e["image"] as? Int, let encoder else { return TrainingExample(ids: ids, labels: labels) }
            let start = try XCTUnwrap(ids.firstIndex(of: 62))
            let rows = try encoder.encode(pixels: pictures[image])
            return TrainingExample(ids: ids, labels: labels, images: [.init(start: start, rows: rows, count: encoder.tokensPerImage)])
        }
        return Case(json: json, model: model, examples: examples, adapter: adapter)
    }

    /// The value of a PEFT tensor name in `adapter` (A or B, or its gradient).
    private func values(_ adapter: TrainableAdapter, _ name: String, gradient: Bool) throws -> [Float] {
        let parsed = try XCTUnwrap(LoRATensorName(name), name)
        guard case .lora(.text(let layer, let projection), let part) = parsed.target else { throw XCTSkip("not a text LoRA: \(name)") }
        let pair = try XCTUnwrap(adapter.layers[layer][projection], name)
        switch (part, gradient) {
        case (.a, false): return pair.a
        case (.b, false): return pair.b
        case (.a, true): return pair.gradientA
        case (.b, true): return pair.gradientB
        }
    }

    /// max |ours − theirs| / max |theirs| over every tensor of `expected`.
    private func worst(_ adapter: TrainableAdapter, _ expected: [String: Any], gradient: Bool) throws -> Double {
        var worst = 0.0
        for (name, rows) in expected {
            let want = (rows as! [[NSNumber]]).flatMap { $0.map(\.doubleValue) }
            let got = try values(adapter, name, gradient: gradient)
            XCTAssertEqual(got.count, want.count, name)
            let scale = max(1e-12, want.map(abs).max()!)
            worst = max(worst, zip(got, want).map { abs(Double($0) - $1) }.max()! / scale)
        }
        return worst
    }

    private func check(_ c: Case, label: String) throws {
        var adapter = c.adapter
        let pass = LossAndGradients(model: c.model)
        let loss = pass.run(c.examples, adapter: &adapter)
        let want = (c.json["loss"] as! NSNumber).doubleValue
        XCTAssertEqual(loss, want, accuracy: 1e-5 * abs(want), label)
        let gradients = c.json["gradients"] as! [String: Any]
        XCTAssertEqual(gradients.count, adapter.orderedKeys.count * 2, label)
        let gradientError = try worst(adapter, gradients, gradient: true)
        XCTAssertLessThan(gradientError, 1e-4, label)
        XCTAssertEqual(adapter.gradientNorm, (c.json["gradient_norm"] as! NSNumber).doubleValue, accuracy: 1e-4 * adapter.gradientNorm, label)
        print("\(label): loss \(loss) vs \(want); gradients max relative error \(gradientError)")
        if let copies = c.json["gradients_modules_to_save"] as? [String: [String: Any]] {
            let copyError = try worstCopy(adapter.output?.gradient, copies["lm_head"]!, columns: c.model.config.embeddingLength)
                + worstCopy(adapter.embedding?.gradient, copies["embed_tokens"]!, columns: c.model.config.embeddingLength)
            XCTAssertLessThan(copyError, 1e-4, label)
            print("\(label): embedding and output copies' gradients, max relative error \(copyError)")
        }

        // Five AdamW steps with clipping and the linear schedule.
        let training = c.json["training"] as! [String: Any]
        let steps = training["per_step"] as! [[String: Any]]
        let lrs = steps.map { ($0["lr"] as! NSNumber).doubleValue }
        let schedule = LearningRateSchedule(peak: lrs.max()!, warmupSteps: 1, totalSteps: steps.count)
        var optimizer = AdamW(weightDecay: 0.01)
        var trained = c.adapter
        for (k, step) in steps.enumerated() {
            let lr = schedule.rate(afterSteps: k)
            XCTAssertEqual(lr, lrs[k], accuracy: 1e-12 + 1e-9 * lrs[k], "\(label) step \(k + 1) lr")
            let stepLoss = pass.run(c.examples, adapter: &trained)
            XCTAssertEqual(stepLoss, (step["loss"] as! NSNumber).doubleValue, accuracy: 1e-4 * stepLoss, "\(label) step \(k + 1) loss")
            let norm = trained.clipGradients(maxNorm: (training["max_grad_norm"] as! NSNumber).doubleValue)
            XCTAssertEqual(norm, (step["grad_norm"] as! NSNumber).doubleValue, accuracy: 1e-4 * norm, "\(label) step \(k + 1) norm")
            optimizer.update(&trained, lr: lr)
        }
        let finalError = try worst(trained, training["final"] as! [String: Any], gradient: false)
        XCTAssertLessThan(finalError, 1e-4, label)
        print("\(label): after \(steps.count) AdamW steps, weights max relative error \(finalError)")
        if let copies = training["final_modules_to_save"] as? [String: [String: Any]] {
            let d = c.model.config.embeddingLength
            let copyError = try worstCopy(trained.output?.values, copies["lm_head"]!, columns: d)
                + worstCopy(trained.embedding?.values, copies["embed_tokens"]!, columns: d)
            XCTAssertLessThan(copyError, 1e-4, label)
            // Rows no token reaches move by weight decay alone.
            let untouched = try worstCopy(trained.embedding?.values, copies["embed_tokens_untouched"]!, columns: d)
            XCTAssertLessThan(untouched, 1e-6, label)
            print("\(label): copies after \(steps.count) steps, max relative error \(copyError); rows without gradient \(untouched)")
        }
    }

    /// max |ours − theirs| / max |theirs| of a copy's matrix (vocabulary × `columns`) or of
    /// the rows the fixture lists.
    private func worstCopy(_ ours: [Float]?, _ expected: [String: Any], columns: Int) throws -> Double {
        let ours = try XCTUnwrap(ours, "no trained copy")
        let rows = (expected["rows"] as? [NSNumber]).map { $0.map(\.intValue) }
        let want = (expected["values"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
        let scale = max(1e-12, want.flatMap { $0 }.map(abs).max()!)
        var worst = 0.0
        for (k, row) in want.enumerated() {
            let r = rows?[k] ?? k
            XCTAssertEqual(row.count, columns)
            for j in 0..<columns { worst = max(worst, abs(Double(ours[r * columns + j]) - row[j]) / scale) }
        }
        return worst
    }

    /// PEFT's `modules_to_save=["lm_head", "embed_tokens"]` (the notebook's): the copies'
    /// gradients and their values after five steps, weight decay on rows no token reaches.
    func testTrainedEmbeddingAndOutputCopiesMatchPyTorch() throws {
        let c = try load("text-modules", model: "tiny_gemma/tiny-gemma3.gguf", mmproj: nil)
        XCTAssertNotNil(c.adapter.embedding, "the PEFT folder's embed_tokens copy")
        XCTAssertNotNil(c.adapter.output, "the PEFT folder's lm_head copy")
        try check(c, label: "modules_to_save")
    }

    func testTextExamplesMatchPyTorch() throws {
        try check(load("text", model: "tiny_gemma/tiny-gemma3.gguf", mmproj: nil), label: "text")
    }

    func testAnImageExampleMatchesPyTorch() throws {
        try check(load("vision", model: "tiny_gemma_vision/text.gguf", mmproj: "tiny_gemma_vision/mmproj-f32.gguf"), label: "image + text")
    }
}

/// The tiny vision fixture's pictures as model input (u / 127.5 − 1, CHW).
enum TinyImages {
    static func pixels() throws -> [[Float]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: TestEnvironment.fixture("tiny_gemma_vision/expected.json"))) as! [String: Any]
        return (json["images"] as! [[String: Any]]).map { image in
            (image["bytes_chw"] as! [NSNumber]).map { Float($0.intValue) / Float(127.5) - 1 }
        }
    }
}
