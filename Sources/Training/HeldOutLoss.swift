import Gemma

/// The loss on held-out examples with its 95 % interval, so a fall after training can be
/// told from noise. The loss is the token mean over every target of the set (as training
/// reports it), a ratio estimator Σsᵢ / Σnᵢ over examples with loss sums sᵢ and target
/// counts nᵢ; its standard error by the delta method (examples as the sampled unit):
///
///     L = Σs / Σn,   SE = √( Σ (sᵢ − L·nᵢ)² / (m (m − 1)) ) / n̄,   interval L ± 1.96·SE
public struct HeldOutLoss: Sendable, Equatable {
    public let mean: Double
    /// Half the width of the 95 % interval (0 with fewer than two examples).
    public let halfWidth: Double
    public let examples: Int

    /// From each example's loss sum and target count.
    public init(sums: [Double], counts: [Int]) {
        precondition(sums.count == counts.count, "HeldOutLoss: one count per sum")
        let kept = zip(sums, counts).filter { $0.1 > 0 }
        let m = kept.count, total = kept.reduce(0) { $0 + $1.1 }
        examples = m
        guard total > 0 else { mean = 0; halfWidth = 0; return }
        let mean = kept.reduce(0) { $0 + $1.0 } / Double(total)
        self.mean = mean
        guard m > 1 else { halfWidth = 0; return }
        let spread = kept.reduce(0) { $0 + ($1.0 - mean * Double($1.1)) * ($1.0 - mean * Double($1.1)) }
        let perExample = Double(total) / Double(m)
        halfWidth = 1.96 * (spread / Double(m * (m - 1))).squareRoot() / perExample
    }

    /// `examples` through the model with `adapter` (forward only, no dropout), packed
    /// `packing` at a time.
    public static func measure(_ examples: [TrainingExample], model: GemmaModel, adapter: TrainableAdapter,
                               packing: Int = 16) -> HeldOutLoss {
        let pass = LossAndGradients(model: model)
        let sums = stride(from: 0, to: examples.count, by: packing).flatMap {
            pass.exampleLosses(Array(examples[$0..<min(examples.count, $0 + packing)]), adapter: adapter)
        }
        return HeldOutLoss(sums: sums, counts: examples.map(\.targets.count))
    }
}
