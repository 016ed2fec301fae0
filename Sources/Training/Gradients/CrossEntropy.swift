/// Cross-entropy of one logit row against a target id, and its gradient:
///
///     L = logsumexp(z) − z[target],   ∂L/∂z = softmax(z) − onehot(target)
///
/// `weight` scales the gradient (1 / the batch's target count: the loss is a token mean).
enum CrossEntropy {
    /// Returns L; overwrites `z` with `weight · ∂L/∂z`.
    static func lossAndGradient<T: TrainingScalar>(_ z: UnsafeMutablePointer<T>, count n: Int, target: Int, weight: T) -> T {
        var maximum = -T.infinity
        for k in 0..<n { maximum = Swift.max(maximum, z[k]) }
        var sum: T = 0
        for k in 0..<n { sum += T.exp(z[k] - maximum) }
        let logSum = maximum + T.log(sum)
        let loss = logSum - z[target]
        for k in 0..<n { z[k] = weight * T.exp(z[k] - logSum) }
        z[target] -= weight
        return loss
    }
}
