import Kernels

/// Row-wise helpers of the forward pass over `[rows][d]` buffers.

/// `out[r] = RMSNorm(x[r]; w)` for each row.
func rmsNormRows(_ x: [Float], _ w: [Float], into out: inout [Float], rows: Int, eps: Float) {
    let d = w.count
    x.withUnsafeBufferPointer { xb in
        w.withUnsafeBufferPointer { wb in
            out.withUnsafeMutableBufferPointer { ob in
                for r in 0..<rows {
                    rmsNorm(xb.baseAddress! + r * d, weight: wb.baseAddress!, count: d, eps: eps, into: ob.baseAddress! + r * d)
                }
            }
        }
    }
}

/// In-place RMSNorm of one vector with weight `w`.
func rmsNorm(_ v: UnsafeMutablePointer<Float>, _ w: [Float], count: Int, eps: Float) {
    w.withUnsafeBufferPointer { wb in rmsNorm(v, weight: wb.baseAddress!, count: count, eps: eps) }
}

/// The residual update `x[r] += RMSNorm(y[r]; w)` (T11, T15).
func addNormedRows(_ y: [Float], _ w: [Float], to x: inout [Float], rows: Int, eps: Float) {
    let d = w.count
    precondition(y.count >= rows * d && x.count >= rows * d, "addNormedRows: buffers too small")
    y.withUnsafeBufferPointer { yb in
        w.withUnsafeBufferPointer { wb in
            x.withUnsafeMutableBufferPointer { xb in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { normed in
                    let nb = normed.baseAddress!
                    for r in 0..<rows {
                        rmsNorm(yb.baseAddress! + r * d, weight: wb.baseAddress!, count: d, eps: eps, into: nb)
                        let xr = xb.baseAddress! + r * d
                        for k in 0..<d { xr[k] += nb[k] }
                    }
                }
            }
        }
    }
}
