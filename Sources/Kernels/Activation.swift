import Glibc

/// GELU with the tanh approximation (HF `gelu_pytorch_tanh`, ENGINE.md T14), used by
/// Gemma's gated feed-forward and by SigLIP.
@inline(__always)
public func geluTanh(_ u: Float) -> Float {
    let c: Float = 0.797_884_560_802_865_4 // sqrt(2/π)
    return 0.5 * u * (1 + tanhf(c * (u + 0.044715 * u * u * u)))
}

/// GELU-tanh as `0.5·u·(1 + tanh z) = u / (1 + e^(−2z))`: one `fastExp` instead of
/// `tanhf`, so loops over it vectorise; agrees with `geluTanh` to a few float ulps.
@inlinable @inline(__always)
public func fastGeluTanh(_ u: Float) -> Float {
    u / (1 + fastExp(-2 * (0.797_884_560_802_865_4 * (u + 0.044715 * u * u * u))))
}

/// `gate[i] = GELU(gate[i]) · up[i]` for `count` values: the GeGLU of prompt batches.
public func geluTanhGated(_ gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { gate[i] = fastGeluTanh(gate[i]) * up[i] }
}

/// `x[i] = GELU(x[i])` for `count` values (SigLIP's MLP).
public func geluTanhInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { x[i] = fastGeluTanh(x[i]) }
}
