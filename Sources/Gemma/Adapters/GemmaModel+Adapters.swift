import Adapters

extension GemmaModel {
    /// Adds every active adapter's update of `target` in layer `l` to `y` (`rows` rows), the
    /// product of the projection whose input rows are `x`.
    func addAdapters(_ l: Int, _ target: TextProjection, input x: [Float], rows n: Int, into y: inout [Float]) {
        for adapter in adapters where adapter.userScale != 0 {
            guard let update = adapter.layers[l][target] else { continue }
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    update.add(xb.baseAddress!, rows: n, factor: adapter.userScale, into: yb.baseAddress!)
                }
            }
        }
    }

    /// Whether an active adapter updates `target` in layer `l` (the fused decode kernels of
    /// q/k/v and of the GeGLU then give way to separate products).
    func adapted(_ l: Int, _ target: TextProjection) -> Bool {
        adapters.contains { $0.userScale != 0 && $0.touches(l, target) }
    }
}
