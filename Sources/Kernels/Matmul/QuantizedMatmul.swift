import GGUF
#if arch(x86_64)
import KernelsAVX2
import KernelsAVX512
import KernelsAVXVNNI
#endif

/// `y[t] = W · x[t]` for a batch of activation rows against a quantized weight matrix in its
/// GGUF block format — prompt processing's matrix product, without dequantizing to f32.
///
/// The activations are quantized once (as the mat-vec does); the weight rows are unpacked 32
/// at a time into a `WeightPanel` (8-bit codes interleaved so a vector holds one group of 4
/// codes of each of 16 rows, plus per-group Float scales), and each panel is multiplied by
/// every token, 4 tokens per kernel call: `vpdpbusd` on AVX-512 VNNI (512-bit) and AVX-VNNI
/// (256-bit), `vpmaddubsw` + `vpmaddwd` on AVX2. Panels are spread over the cores; each writes its own columns of `y`.
///
/// Returns false, doing nothing, where no matrix kernel serves this weight type on the active
/// kernel path; the caller then dequantizes and uses sgemm.
public func quantizedMatmul(_ w: GGUFTensor, _ x: UnsafePointer<Float>, rows n: Int,
                            into y: UnsafeMutablePointer<Float>) -> Bool {
    quantizedMatmul(weights: w.data.baseAddress!, type: w.type, rowCount: w.info.rowCount, rowLength: w.info.rowLength,
                    x, rows: n, into: y)
}

/// Whether `quantizedMatmul` takes `type` on the active kernel path.
public func quantizedMatmulSupports(_ type: GGMLType, path: KernelPath = KernelPath.active) -> Bool {
    guard let format = PanelFormat(type) else { return false }
    switch path {
    case .avx512vnni, .avxvnni: return true
    case .avx2: return format.fitsInt16Pairs
    case .portable: return false
    }
}

/// `y[t][r] = Σ_k W[r][k]·x[t][k]` for `rowCount` stored rows of `rowLength` values of `type`
/// (back to back at `weights`), `n` activation rows at `x` (stride `rowLength`), `y` with
/// row stride `rowCount`.
public func quantizedMatmul(weights: UnsafeRawPointer, type: GGMLType, rowCount m: Int, rowLength k: Int,
                            _ x: UnsafePointer<Float>, rows n: Int, into y: UnsafeMutablePointer<Float>) -> Bool {
    #if arch(x86_64)
    guard quantizedMatmulSupports(type), let format = PanelFormat(type), let rowBytes = type.rowBytes(count: k) else {
        return false
    }
    guard n > 0, m > 0 else { return true }
    let activations = MatmulActivations(x, rows: n, count: k, format: format)
    let rows = PanelFormat.panelRows
    let panels = (m + rows - 1) / rows
    let vnni = KernelPath.active == .avx512vnni, avxVNNI = KernelPath.active == .avxvnni
    // KernelsAVX512 is compiled for AVX-512: even its struct initialisers run only on that path.
    let tokens: MatmulTokenRows? = vnni
        ? MatmulTokenRows(codes: activations.codes, codeStride: k, scales: activations.scales,
                          offsetSums: activations.offsetSums, codeSums: activations.codeSums,
                          groupStride: activations.groups, tokens: activations.tokens)
        : nil
    let codes = activations.codes, scales = activations.scales, offsetSums = activations.offsetSums
    let codeSums = activations.codeSums, groupStride = activations.groups, paddedTokens = activations.tokens
    let scaleSpan = format.activations == .q8_K ? 256 / format.groupSize : 1
    let chunks = min(panels, WorkerThreads.count * 4)
    // The closure holds pointers only; `activations` is kept alive around it.
    withExtendedLifetime(activations) {
        parallelFor(chunks) { c in
            let panel = WeightPanel(format: format, rowLength: k)
            for p in (panels * c / chunks)..<(panels * (c + 1) / chunks) {
                let first = p * rows, count = min(rows, m - first)
                panel.pack(weights + first * rowBytes, rowBytes: rowBytes, count: count)
                let mins = format.hasMins ? UnsafePointer(panel.mins) : nil
                if let tokens {
                    avx512MatmulPanel(codes: panel.codes, scales: panel.scales, mins: mins, groups: panel.groups,
                                      groupSize: format.groupSize, scaleSpan: scaleSpan, x: tokens, validTokens: n,
                                      output: y + first, outputStride: m, validRows: count)
                } else if avxVNNI {
                    avxVNNIMatmulPanel(codes: panel.codes, scales: panel.scales, mins: mins, groups: panel.groups,
                                       groupSize: format.groupSize, scaleSpan: scaleSpan,
                                       activationCodes: codes, codeStride: k, activationScales: scales,
                                       offsetSums: offsetSums, codeSums: codeSums, groupStride: groupStride,
                                       tokens: paddedTokens, validTokens: n, output: y + first, outputStride: m, validRows: count)
                } else {
                    avx2MatmulPanel(codes: panel.codes, scales: panel.scales, mins: mins, groups: panel.groups,
                                    groupSize: format.groupSize, scaleSpan: scaleSpan,
                                    activationCodes: codes, codeStride: k, activationScales: scales,
                                    offsetSums: offsetSums, codeSums: codeSums, groupStride: groupStride,
                                    tokens: paddedTokens, validTokens: n, output: y + first, outputStride: m, validRows: count)
                }
            }
        }
    }
    return true
    #else
    return false
    #endif
}
