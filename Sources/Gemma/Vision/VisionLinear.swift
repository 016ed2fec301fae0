import GGUF
import Kernels

/// One affine map of the vision tower, `y = W·x + b`, applied to all rows of an image at
/// once. `W` stays a zero-copy view of the mapped file in whatever type it was stored
/// (F32, F16, BF16, Q8_0, …); each call dequantizes it across the cores and multiplies the
/// whole batch by it with sgemm over column blocks on all cores, since the thousands of patch rows of an image make every product
/// a large matrix-matrix one (F32 weights are used in place, without a copy).
struct VisionLinear: @unchecked Sendable {
    let weight: GGUFTensor
    /// Values per output row of `W` (the product of every dimension but the last).
    let inputs: Int
    /// Rows of `W` (the last dimension).
    let outputs: Int
    let bias: [Float]?

    /// `weight` holds `outputs` rows of `inputs` values, one after another, whatever its ne;
    /// the caller has checked the shape.
    init(weight: GGUFTensor, inputs: Int, outputs: Int, bias: [Float]?) {
        precondition(weight.info.elementCount == inputs * outputs && (bias?.count ?? outputs) == outputs)
        self.weight = weight
        self.inputs = inputs
        self.outputs = outputs
        self.bias = bias
    }

    /// `y[r] = W·x[r] + b` for `rows` rows of `x` (`rows × inputs`, row-major).
    func callAsFunction(_ x: [Float], rows n: Int) -> [Float] {
        precondition(x.count == n * inputs, "VisionLinear \(weight.name): input is not rows × \(inputs)")
        var y = [Float](repeating: 0, count: n * outputs)
        guard n > 0 else { return y }
        withDequantizedWeight { w in
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    // Column blocks of the product run on all cores (OpenBLAS itself is
                    // single-threaded in this engine; see Kernels/BLAS.swift).
                    matmulTransposedB(xb, UnsafeBufferPointer(start: w, count: outputs * inputs), into: yb,
                                      m: n, n: outputs, k: inputs)
                }
            }
        }
        if let bias { addBias(bias, to: &y, rows: n) }
        return y
    }

    /// Runs `body` with `W` as `outputs × inputs` f32 values.
    func withDequantizedWeight<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        if weight.type == .f32, let base = weight.data.baseAddress {
            return body(base.assumingMemoryBound(to: Float.self))
        }
        let count = inputs * outputs
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { buffer.deallocate() }
        let info = weight.info, data = weight.data
        let rows = info.rowCount, rowBytes = info.rowBytes, rowLength = info.rowLength
        let chunks = min(rows, 4 * WorkerThreads.count)
        parallelFor(chunks) { c in
            let lo = rows * c / chunks, hi = rows * (c + 1) / chunks
            guard hi > lo else { return }
            dequantize(info.type, UnsafeRawBufferPointer(rebasing: data[(lo * rowBytes)..<(hi * rowBytes)]),
                       into: UnsafeMutableBufferPointer(rebasing: buffer[(lo * rowLength)..<(hi * rowLength)]))
        }
        return body(UnsafePointer(buffer.baseAddress!))
    }
}

/// `y[r] += b` for every row.
func addBias(_ b: [Float], to y: inout [Float], rows n: Int) {
    let m = b.count
    b.withUnsafeBufferPointer { bb in
        y.withUnsafeMutableBufferPointer { yb in
            for r in 0..<n {
                let row = yb.baseAddress! + r * m
                for j in 0..<m { row[j] += bb[j] }
            }
        }
    }
}
