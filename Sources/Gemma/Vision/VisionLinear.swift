import GGUF
import Kernels

/// One affine map of the vision tower, `y = W·x + b`, applied to all rows of an image at
/// once. `W` stays a zero-copy view of the mapped file in whatever type it was stored
/// (F32, F16, BF16, Q8_0, …). The thousands of patch rows of an image make every product a
/// large matrix-matrix one, taken by the fastest kernel that serves the weight type:
/// - `.fast` precision: Q8_0 (and the other block types) through the int8 VNNI matrix
///   kernels of prompt processing (`quantizedMatmul`, activations quantized to Q8_0 as
///   llama.cpp does), F16 and BF16 through the bf16 kernel (`bf16Matmul`, `vdpbf16ps`);
/// - everything else, and every type at `.reference` precision: dequantized to f32 across
///   the cores and multiplied with sgemm over column blocks on all cores (F32 weights are used
///   in place, without a copy) — the exact path the fast ones are checked against.
struct VisionLinear: @unchecked Sendable {
    let weight: GGUFTensor
    /// Values per output row of `W` (the product of every dimension but the last).
    let inputs: Int
    /// Rows of `W` (the last dimension).
    let outputs: Int
    let bias: [Float]?
    /// `.reference` keeps every product in f32 (dequantize + sgemm).
    var precision: GemmaModel.Precision = .fast
    /// LoRA updates added after the product (`ModelAdapter.visionLayers`), each with the
    /// user's scale: `y += factor · scale · B·(A·x)`.
    var adapters: [(update: LoRAUpdate, factor: Float)] = []

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
        var y = [Float](repeating: 0, count: n * outputs)
        apply(x, rows: n, into: &y)
        return y
    }

    /// `y[r] = W·x[r] + b` into an existing `rows × outputs` buffer, whatever it held (the
    /// tower reuses its buffers from layer to layer rather than allocating ~200 MB a layer).
    func apply(_ x: [Float], rows n: Int, into y: inout [Float]) {
        precondition(x.count == n * inputs, "VisionLinear \(weight.name): input is not rows × \(inputs)")
        precondition(y.count == n * outputs, "VisionLinear \(weight.name): output is not rows × \(outputs)")
        guard n > 0 else { return }
        let fast = precision == .fast && x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in fastProduct(xb.baseAddress!, rows: n, into: yb.baseAddress!) }
        }
        if !fast {
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
        }
        if let bias { addBias(bias, to: &y, rows: n) }
        for (update, factor) in adapters {
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in update.add(xb.baseAddress!, rows: n, factor: factor, into: yb.baseAddress!) }
            }
        }
    }

    /// Whether products run on a reduced-precision kernel (bf16 or int8) rather than in f32:
    /// `.fast` precision and a kernel that serves the weight type on this CPU.
    var usesFastKernel: Bool {
        precision == .fast && weight.data.baseAddress != nil
            && (quantizedMatmulSupports(weight.type) || bf16MatmulSupports(weight.type))
    }

    /// `y = x·Wᵀ` through a matrix kernel of the stored type, or false (nothing written) where
    /// none serves it on this CPU. The raw-pointer entry points take `outputs × inputs`
    /// explicitly: the patch embedding's ne is [p, p, 3, hidden], not [inputs, outputs].
    private func fastProduct(_ x: UnsafePointer<Float>, rows n: Int, into y: UnsafeMutablePointer<Float>) -> Bool {
        guard let w = weight.data.baseAddress else { return false }
        if quantizedMatmulSupports(weight.type) {
            return quantizedMatmul(weights: w, type: weight.type, rowCount: outputs, rowLength: inputs, x, rows: n, into: y)
        }
        return bf16Matmul(weights: w, type: weight.type, rowCount: outputs, rowLength: inputs, x, rows: n, into: y)
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

/// `y[r] += b` for every row, spread over the cores.
func addBias(_ b: [Float], to y: inout [Float], rows n: Int) {
    let m = b.count
    b.withUnsafeBufferPointer { bb in
        y.withUnsafeMutableBufferPointer { yb in
            let bp = bb.baseAddress!, yp = yb.baseAddress!
            forEachRowRange(n) { rows in
                for r in rows {
                    let row = yp + r * m
                    for j in 0..<m { row[j] += bp[j] }
                }
            }
        }
    }
}
