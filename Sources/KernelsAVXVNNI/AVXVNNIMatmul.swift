/// The AVX-VNNI micro-kernel of the quantized matrix product: prompt batches on CPUs with
/// the VEX-encoded 256-bit `vpdpbusd` but no AVX-512 (Intel Alder Lake and later client
/// parts, and others). It is `KernelsAVX2`'s 8-row × 4-token kernel with its two-instruction
/// 4-code step (`vpmaddubsw` + `vpmaddwd`) replaced by one `vpdpbusd`, which sums in Int32
/// without the Int16 pair limit, so Q8_0's codes up to 255 are served too.
///
/// This whole module is compiled with `-mavxvnni` (and AVX2/FMA/F16C): nothing in it may run
/// before `Kernels` has checked the CPU (`CPUFeatures.avxVNNI`).
#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelsAVX2

/// `vpdpbusd` on 256-bit registers (AVX-VNNI).
enum DotProductAccumulate: FourCodeDot {
    @inline(__always)
    static func dot4(_ acc: __m256i, _ w: __m256i, _ a: __m256i) -> __m256i {
        _mm256_dpbusd_avx_epi32(acc, w, a)
    }
}

/// `avx2MatmulPanel` with `vpdpbusd`; the same arguments and results.
@inline(never)
public func avxVNNIMatmulPanel(codes: UnsafeRawPointer, scales: UnsafePointer<Float>, mins: UnsafePointer<Float>?,
                               groups: Int, groupSize: Int, scaleSpan: Int,
                               activationCodes: UnsafePointer<Int8>, codeStride: Int, activationScales: UnsafePointer<Float>,
                               offsetSums: UnsafePointer<Int32>, codeSums: UnsafePointer<Float>, groupStride: Int, tokens: Int,
                               validTokens: Int, output: UnsafeMutablePointer<Float>, outputStride: Int, validRows: Int) {
    matmulPanel(DotProductAccumulate.self, codes: codes, scales: scales, mins: mins, groups: groups, groupSize: groupSize,
                scaleSpan: scaleSpan, activationCodes: activationCodes, codeStride: codeStride,
                activationScales: activationScales, offsetSums: offsetSums, codeSums: codeSums, groupStride: groupStride,
                tokens: tokens, validTokens: validTokens, output: output, outputStride: outputStride, validRows: validRows)
}
#endif
