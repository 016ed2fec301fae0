import Kernels

/// Row-wise helpers of the forward pass over `[rows][d]` buffers.

/// Runs `body` over `0..<rows` in contiguous ranges spread over the cores when there are
/// enough rows to be worth it (prompt batches, image patches); one call on this thread
/// otherwise (decode, where waking the workers would cost more than the work). The one
/// row-chunking rule of the text model and the vision tower.
func forEachRowRange(_ rows: Int, _ body: @escaping (Range<Int>) -> Void) {
    let chunks = rows >= 16 ? min(rows / 8, WorkerThreads.count * 4) : 1
    guard chunks > 1 else { return body(0..<rows) }
    parallelFor(chunks) { c in body((rows * c / chunks)..<(rows * (c + 1) / chunks)) }
}

/// `out[r] = RMSNorm(x[r]; w)` for each row.
func rmsNormRows(_ x: [Float], _ w: [Float], into out: inout [Float], rows: Int, eps: Float) {
    let d = w.count
    x.withUnsafeBufferPointer { xb in
        w.withUnsafeBufferPointer { wb in
            out.withUnsafeMutableBufferPointer { ob in
                let xp = xb.baseAddress!, wp = wb.baseAddress!, op = ob.baseAddress!
                forEachRowRange(rows) { range in
                    for r in range { rmsNorm(xp + r * d, weight: wp, count: d, eps: eps, into: op + r * d) }
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
                let yp = yb.baseAddress!, wp = wb.baseAddress!, xp = xb.baseAddress!
                forEachRowRange(rows) { range in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { normed in
                        let nb = normed.baseAddress!
                        for r in range {
                            rmsNorm(yp + r * d, weight: wp, count: d, eps: eps, into: nb)
                            let xr = xp + r * d
                            for k in 0..<d { xr[k] += nb[k] }
                        }
                    }
                }
            }
        }
    }
}
