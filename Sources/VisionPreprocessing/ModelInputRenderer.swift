/// Turns normalised CHW pixel values back into an RGB image: "what the model sees".
///
/// Showing (and saving) this rather than the source file lets a clinician check what
/// the squeeze to 896×896, the crops and the CT windows left of the image. It inverts
/// `PixelNormalizer`: `u = round((x · std + mean) / rescale)`, clipped to 0…255. For
/// values made by `PixelNormalizer` this gives back the resized bytes exactly.
public enum ModelInputRenderer {
    /// The RGB image behind `pixelValues` (`[3][height][width]`, as `PixelNormalizer` lays them out).
    public static func image(fromPixelValues pixelValues: [Float], width: Int, height: Int,
                             normalization: NormalizationParameters) throws(PreprocessingError) -> RGBImage {
        guard width > 0, height > 0 else { throw .invalidSize(width: width, height: height) }
        let plane = width * height
        guard pixelValues.count == plane * 3 else {
            throw .sampleCountMismatch(expected: plane * 3, actual: pixelValues.count)
        }
        var out = [UInt8](repeating: 0, count: plane * 3)
        pixelValues.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for channel in 0..<3 {
                    let std = Double(normalization.std[channel])
                    let mean = Double(normalization.mean[channel])
                    let scale = 1.0 / normalization.rescaleFactor
                    for i in 0..<plane {
                        let level = ((Double(source[channel * plane + i]) * std + mean) * scale).rounded()
                        // NaN fails both comparisons and lands on 0.
                        target[i * 3 + channel] = level >= 255 ? 255 : (level > 0 ? UInt8(level) : 0)
                    }
                }
            }
        }
        return RGBImage(unchecked: width, height: height, pixels: out)
    }
}
