/// Clipping by the global norm, as `torch.nn.utils.clip_grad_norm_`: every gradient is
/// multiplied by min(1, maxNorm / (‖g‖ + 1e-6)). Returns the norm before clipping.
extension TrainableAdapter {
    @discardableResult
    public mutating func clipGradients(maxNorm: Double) -> Double {
        let norm = gradientNorm
        let factor = Float(min(1, maxNorm / (norm + 1e-6)))
        guard factor < 1 else { return norm }
        for (l, p) in orderedKeys {
            var pair = layers[l][p]!
            for i in pair.gradientA.indices { pair.gradientA[i] *= factor }
            for i in pair.gradientB.indices { pair.gradientB[i] *= factor }
            layers[l][p] = pair
        }
        return norm
    }
}
