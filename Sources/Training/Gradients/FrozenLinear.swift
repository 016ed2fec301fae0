import GGUF
import Kernels

/// A frozen weight `W` (outputs × inputs, any GGUF type) in training: `y = x·Wᵀ` forward and
/// `dx += dy·W` backward. Nothing is dequantized beyond a tile of rows at a time (QLoRA-style:
/// the base stays in its quantized blocks); each tile is multiplied by every activation row
/// with sgemm, the activation rows split over the cores.
struct FrozenLinear: @unchecked Sendable {
    let weight: GGUFTensor

    var inputs: Int { weight.info.rowLength }
    var outputs: Int { weight.info.rowCount }

    /// Rows of `W` per tile: about 4 MB of f32.
    private var tileRows: Int { max(16, (1 << 20) / max(1, inputs)) }

    /// Runs `body` with each tile `[lo, hi)` of W's rows as f32.
    func forEachTile(_ body: (Int, Int, UnsafePointer<Float>) -> Void) {
        let k = inputs, m = outputs, step = tileRows
        let tile = UnsafeMutableBufferPointer<Float>.allocate(capacity: min(m, step) * k)
        defer { tile.deallocate() }
        var lo = 0
        while lo < m {
            let hi = min(m, lo + step)
            let t = UnsafeMutableRawPointer(tile.baseAddress!), w = weight
            let chunks = min(hi - lo, 4 * WorkerThreads.count)
            parallelFor(chunks) { c in
                let a = lo + (hi - lo) * c / chunks, b = lo + (hi - lo) * (c + 1) / chunks
                let out = t.assumingMemoryBound(to: Float.self)
                for r in a..<b {
                    dequantize(w.type, w.row(r), into: UnsafeMutableBufferPointer(start: out + (r - lo) * k, count: k))
                }
            }
            body(lo, hi, UnsafePointer(tile.baseAddress!))
            lo = hi
        }
    }

    /// `y = x·Wᵀ` for `n` rows (y: n × outputs, written).
    func forward(_ x: [Float], rows n: Int, into y: inout [Float]) {
        precondition(x.count == n * inputs && y.count == n * outputs, "FrozenLinear \(weight.name): wrong sizes")
        let k = inputs, m = outputs
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                let (xp, yp) = (UnsafeMutableRawPointer(mutating: xb.baseAddress!), UnsafeMutableRawPointer(yb.baseAddress!))
                forEachTile { lo, hi, w in
                    let wp = UnsafeMutableRawPointer(mutating: w)
                    Self.splitRows(n) { a, b in
                        sgemm(m: b - a, n: hi - lo, k: k, a: xp.assumingMemoryBound(to: Float.self) + a * k, lda: k,
                              b: wp.assumingMemoryBound(to: Float.self), ldb: k, transposeB: true,
                              c: yp.assumingMemoryBound(to: Float.self) + a * m + lo, ldc: m)
                    }
                }
            }
        }
    }

    /// `dx += dy·W` for `n` rows (dy: n × outputs, dx: n × inputs).
    func backward(_ dy: [Float], rows n: Int, into dx: inout [Float]) {
        precondition(dy.count == n * outputs && dx.count == n * inputs, "FrozenLinear \(weight.name): wrong sizes")
        let k = inputs, m = outputs
        dy.withUnsafeBufferPointer { gb in
            dx.withUnsafeMutableBufferPointer { xb in
                let (gp, xp) = (UnsafeMutableRawPointer(mutating: gb.baseAddress!), UnsafeMutableRawPointer(xb.baseAddress!))
                forEachTile { lo, hi, w in
                    let wp = UnsafeMutableRawPointer(mutating: w)
                    Self.splitRows(n) { a, b in
                        sgemm(m: b - a, n: k, k: hi - lo, a: gp.assumingMemoryBound(to: Float.self) + a * m + lo, lda: m,
                              b: wp.assumingMemoryBound(to: Float.self), ldb: k, transposeB: false,
                              c: xp.assumingMemoryBound(to: Float.self) + a * k, ldc: k, accumulate: true)
                    }
                }
            }
        }
    }

    /// Row ranges `[a, b)` of `n`, one per core.
    static func splitRows(_ n: Int, _ body: @escaping (Int, Int) -> Void) {
        let chunks = max(1, min(n, WorkerThreads.count))
        parallelFor(chunks) { c in
            let a = n * c / chunks, b = n * (c + 1) / chunks
            if b > a { body(a, b) }
        }
    }
}
