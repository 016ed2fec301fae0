/// A branch-free `exp(x)` for the elementwise work of prefill (GELU over `tokens × ffn`
/// values), where calling libm's `expf`/`tanhf` per element cost more than a tenth of
/// all prefill cycles. Written as plain scalar code with selects and bit operations so
/// the loops that call it are auto-vectorised (Swift's generic SIMD conversions and
/// rounding were not, and were slower than libm).
///
/// Cephes-style: `x = n·ln2 + r` with `|r| ≤ ln2/2`, `e^r` by a degree-6 polynomial,
/// `2^n` built in the exponent bits. Inputs are clamped to [−87.3, 88.3] (results stay
/// finite and normal); relative error about 2e-7 (tested against `Foundation.exp`).
@inlinable @inline(__always)
public func fastExp(_ x: Float) -> Float {
    var x = x < -87.3 ? -87.3 : x
    x = x > 88.3 ? 88.3 : x
    // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick: after the add, the
    // integer sits in the low mantissa bits.
    let magic: Float = 12_582_912
    let shifted = x * 1.442_695_04 + magic
    let n = shifted - magic
    // ln2 split in two so n·ln2 is subtracted without rounding error.
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 0.166_666_65
    p = p * r + 0.500_000_01
    let er = p * r * r + r + 1
    let twoToN = Float(bitPattern: (shifted.bitPattern &- magic.bitPattern &+ 127) &<< 23)
    return er * twoToN
}
