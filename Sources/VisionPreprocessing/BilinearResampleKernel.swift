/// The taps and fixed-point weights of Pillow's BILINEAR filter along one axis.
///
/// Mirrors `precompute_coeffs` and `normalize_coeffs_8bpc` in Pillow's
/// libImaging/Resample.c, operation for operation in `Double`, so the integer weights
/// come out identical and the resize is bit-exact:
///
/// * `scale = inSize / outSize`; when shrinking, the triangle filter's support (1 pixel)
///   is widened by `scale` and its argument divided by `scale` — an antialiasing filter
///   that averages every source pixel under the output pixel, not 4-tap interpolation.
///   When enlarging the support stays 1 (plain linear interpolation between centres).
/// * Output pixel `i` is centred on `(i + 0.5)·scale`; its taps run from
///   `Int(centre − support + 0.5)` to `Int(centre + support + 0.5)`, clamped to the image
///   (so edges renormalise over fewer taps rather than repeating border pixels).
/// * Weights are divided by their sum, then scaled by 2^22 and rounded half away from zero.
struct BilinearResampleKernel {
    /// Fractional bits of the fixed-point weights (`PRECISION_BITS = 32 − 8 − 2` in Pillow).
    static let precisionBits = 22

    /// Source index of each output sample's first tap.
    let firsts: [Int32]
    /// Number of taps used by each output sample.
    let counts: [Int32]
    /// `stride` weights per output sample (unused trailing ones are zero).
    let weights: [Int32]
    /// Weights reserved per output sample (`ceil(support)·2 + 1`).
    let stride: Int

    init(inputSize: Int, outputSize: Int) {
        // `(double)(in1 − in0)` where in0/in1 are the float box edges 0 and inputSize.
        let scale = Double(Float(inputSize)) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = 1.0 * filterScale          // BILINEAR's support is 1.0
        let stride = Int(support.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1.0 / filterScale

        var firsts = [Int32](repeating: 0, count: outputSize)
        var counts = [Int32](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * stride)
        var taps = [Double](repeating: 0, count: stride)
        let one = Double(1 << Self.precisionBits)
        for output in 0..<outputSize {
            let center = 0.0 + (Double(output) + 0.5) * scale
            var first = Int(center - support + 0.5)      // C's (int) truncates, as Int(_:) does
            if first < 0 { first = 0 }
            var end = Int(center + support + 0.5)
            if end > inputSize { end = inputSize }
            let count = end - first
            var sum = 0.0
            for tap in 0..<count {
                let w = Self.triangle((Double(tap + first) - center + 0.5) * inverseFilterScale)
                taps[tap] = w
                sum += w
            }
            if sum != 0.0 {
                for tap in 0..<count { taps[tap] /= sum }
            }
            for tap in 0..<count {
                let k = taps[tap]
                weights[output * stride + tap] = k < 0 ? Int32(-0.5 + k * one) : Int32(0.5 + k * one)
            }
            firsts[output] = Int32(first)
            counts[output] = Int32(count)
        }
        self.firsts = firsts
        self.counts = counts
        self.weights = weights
        self.stride = stride
    }

    /// Pillow's `bilinear_filter`: 1 − |x| inside (−1, 1), else 0.
    @inline(__always)
    static func triangle(_ x: Double) -> Double {
        let a = x < 0.0 ? -x : x
        return a < 1.0 ? 1.0 - a : 0.0
    }

    /// Pillow's `clip8`: drop the fraction (arithmetic shift) and clamp to 0…255.
    @inline(__always)
    static func clip8(_ sum: Int32) -> UInt8 {
        let value = sum >> Int32(precisionBits)
        return value < 0 ? 0 : (value > 255 ? 255 : UInt8(truncatingIfNeeded: value))
    }

    /// The rounding constant every accumulator starts from (one half, 2^21).
    static let half: Int32 = 1 << Int32(precisionBits - 1)
}
