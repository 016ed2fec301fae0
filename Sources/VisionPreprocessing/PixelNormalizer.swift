/// Rescales and normalises an RGB image into the channel-planar floats the encoder reads.
///
/// Layout: `[3][height][width]` (CHW), R plane first, rows top to bottom — the layout
/// of one image of PyTorch's `pixel_values` (N×3×H×W) and of llama.cpp's clip input.
///
/// Arithmetic follows `transformers`' PIL path exactly, so the floats are identical,
/// not merely close: `rescale` computes `float32(float64(u) · factor)`, then `normalize`
/// computes `(x − mean) / std` in float32. Because the input has only 256 levels, both
/// steps are folded into one 256-entry table per channel.
public enum PixelNormalizer {
    /// The CHW floats for `image`.
    public static func normalize(_ image: RGBImage, with parameters: NormalizationParameters) -> [Float] {
        let plane = image.width * image.height
        let tables = (0..<3).map { table(channel: $0, parameters: parameters) }
        var out = [Float](repeating: 0, count: plane * 3)
        image.pixels.withUnsafeBufferPointer { source in
        tables[0].withUnsafeBufferPointer { red in
        tables[1].withUnsafeBufferPointer { green in
        tables[2].withUnsafeBufferPointer { blue in
        out.withUnsafeMutableBufferPointer { target in
            for i in 0..<plane {
                target[i] = red[Int(source[i * 3])]
                target[plane + i] = green[Int(source[i * 3 + 1])]
                target[2 * plane + i] = blue[Int(source[i * 3 + 2])]
            }
        }}}}}
        return out
    }

    /// The normalised value of each 8-bit level for one channel.
    static func table(channel: Int, parameters: NormalizationParameters) -> [Float] {
        let mean = parameters.mean[channel]
        let std = parameters.std[channel]
        return (0..<256).map { level in
            let rescaled = Float(Double(level) * parameters.rescaleFactor)
            return (rescaled - mean) / std
        }
    }
}
