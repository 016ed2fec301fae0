#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GELU with the tanh approximation (HF `gelu_pytorch_tanh`, GEMMA3.md T14), used by
/// Gemma's gated feed-forward and by SigLIP.
@inline(__always)
public func geluTanh(_ u: Float) -> Float {
    let c: Float = 0.797_884_560_802_865_4 // sqrt(2/π)
    return 0.5 * u * (1 + tanhf(c * (u + 0.044715 * u * u * u)))
}
