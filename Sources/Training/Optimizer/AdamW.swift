import Adapters
import Foundation

/// AdamW (Loshchilov & Hutter) exactly as `torch.optim.AdamW` steps it: decoupled weight
/// decay first, then the bias-corrected moment update —
///
///     p ← p · (1 − lr·λ)
///     m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
///     p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// The moments are kept per trained tensor in `TrainableAdapter.forEachParameter`'s order,
/// so a checkpoint can save and restore them.
public struct AdamW: Sendable {
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var epsilon: Double = 1e-8
    public var weightDecay: Double = 0.01
    /// Steps taken (t of the bias corrections).
    public private(set) var step = 0
    /// First and second moments, one array per trained tensor (`forEachParameter`'s order:
    /// each pair's A and B, then the embedding's and the output's copies).
    public private(set) var first: [[Float]] = []
    public private(set) var second: [[Float]] = []

    public init(weightDecay: Double = 0.01) { self.weightDecay = weightDecay }

    /// A state saved by a checkpoint.
    public init(beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, step: Int, first: [[Float]], second: [[Float]]) {
        (self.beta1, self.beta2, self.epsilon, self.weightDecay, self.step) = (beta1, beta2, epsilon, weightDecay, step)
        self.first = first
        self.second = second
    }

    /// One step over every parameter of `adapter` with its gradients, at learning rate `lr`.
    public mutating func update(_ adapter: inout TrainableAdapter, lr: Double) {
        if first.isEmpty {
            first = adapter.gradients.map { Array(repeating: 0, count: $0.count) }
            second = first
        }
        step += 1
        let correction1 = 1 - Foundation.pow(beta1, Double(step)), correction2 = 1 - Foundation.pow(beta2, Double(step))
        let stepSize = Float(lr / correction1), root2 = Float(correction2.squareRoot())
        let (b1, b2, eps, decay) = (Float(beta1), Float(beta2), Float(epsilon), Float(1 - lr * weightDecay))
        adapter.forEachParameter { k, p, g in
            p.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { g in
                    first[k].withUnsafeMutableBufferPointer { m in
                        second[k].withUnsafeMutableBufferPointer { v in
                            for i in 0..<p.count {
                                p[i] *= decay
                                m[i] = b1 * m[i] + (1 - b1) * g[i]
                                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                p[i] -= stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}
