import MedImaging

/// Turning decoded samples into the RGB the model expects, as `transformers` does.
///
/// `Gemma3ImageProcessor` calls `convert_to_rgb` first: gray is replicated into R, G
/// and B (Pillow's `convert("RGB")`), and an image with alpha is composited onto an
/// opaque white background with Pillow's `alpha_composite` before alpha is dropped.
/// Doing the same here keeps the bytes identical to the reference for every layout.
extension RGBImage {
    /// Converts `channelCount` interleaved 8-bit channels per pixel (1 gray, 2 gray + alpha,
    /// 3 RGB, 4 RGBA) to RGB.
    public init(interleaved samples: [UInt8], channelCount: Int, width: Int,
                height: Int) throws(PreprocessingError) {
        guard width > 0, height > 0 else { throw .invalidSize(width: width, height: height) }
        guard (1...4).contains(channelCount) else { throw .unsupportedChannelCount(channelCount) }
        let pixelCount = width * height
        guard samples.count == pixelCount * channelCount else {
            throw .sampleCountMismatch(expected: pixelCount * channelCount, actual: samples.count)
        }
        if channelCount == 3 {
            self.init(unchecked: width, height: height, pixels: samples)
            return
        }
        var out = [UInt8](repeating: 0, count: pixelCount * 3)
        samples.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for i in 0..<pixelCount {
                    let s = i * channelCount
                    let (r, g, b): (UInt8, UInt8, UInt8)
                    switch channelCount {
                    case 1: (r, g, b) = (source[s], source[s], source[s])
                    case 2: (r, g, b) = Self.onWhite(source[s], source[s], source[s], alpha: source[s + 1])
                    default: (r, g, b) = Self.onWhite(source[s], source[s + 1], source[s + 2], alpha: source[s + 3])
                    }
                    target[i * 3] = r
                    target[i * 3 + 1] = g
                    target[i * 3 + 2] = b
                }
            }
        }
        self.init(unchecked: width, height: height, pixels: out)
    }

    /// Converts an 8-bit decoded image (any layout) to RGB; 16-bit images must be windowed first.
    public init(_ decoded: DecodedImage) throws(PreprocessingError) {
        guard case .eight(let samples) = decoded.pixels else { throw .unsupportedBitDepth(decoded.bitDepth) }
        try self.init(interleaved: samples, channelCount: decoded.channels.count,
                      width: decoded.width, height: decoded.height)
    }

    /// Pillow's `alpha_composite(white, pixel)` (libImaging/AlphaComposite.c) with an opaque
    /// white destination, where its fixed-point weights reduce to `a·128` and `(255 − a)·128`.
    @inline(__always)
    static func onWhite(_ r: UInt8, _ g: UInt8, _ b: UInt8, alpha: UInt8) -> (UInt8, UInt8, UInt8) {
        if alpha == 255 { return (r, g, b) }
        if alpha == 0 { return (255, 255, 255) }
        let a = UInt32(alpha)
        let coef1 = a * 128                  // src.a · 255 · 255 · 2^7 / (255 · 255)
        let coef2 = 255 * 128 - coef1
        func blend(_ c: UInt8) -> UInt8 {
            let t = UInt32(c) * coef1 + 255 * coef2 + (0x80 << 7)
            return UInt8(truncatingIfNeeded: (((t >> 8) + t) >> 8) >> 7)
        }
        return (blend(r), blend(g), blend(b))
    }
}
