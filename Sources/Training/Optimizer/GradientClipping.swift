/// Clipping by the global norm, as `torch.nn.utils.clip_grad_norm_`: every gradient is
/// multiplied by min(1, maxNorm / (‖g‖ + 1e-6)). Returns the norm before clipping.
extension TrainableAdapter {
    @discardableResult
    public mutating func clipGradients(maxNorm: Double) -> Double {
        let norm = gradientNorm
        let factor = Float(min(1, maxNorm / (norm + 1e-6)))
        guard factor < 1 else { return norm }
        forEachParameter { _, _, g in
            g.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] *= factor } }
        }
        return norm
    }
}
