/// An 8-bit RGB image, interleaved R, G, B per pixel, rows top to bottom, no padding.
///
/// This is the one input the preprocessing accepts: decoders and DICOM windowing
/// produce it, and it is exactly what the reference (`transformers` with Pillow) works
/// on after `convert("RGB")`, so every later step can be compared byte for byte.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width × height × 3` samples: R, G, B of the first pixel, then the next.
    public let pixels: [UInt8]

    /// Wraps an interleaved RGB buffer, checking that it matches the size.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(PreprocessingError) {
        guard width > 0, height > 0 else { throw .invalidSize(width: width, height: height) }
        guard pixels.count == width * height * 3 else {
            throw .sampleCountMismatch(expected: width * height * 3, actual: pixels.count)
        }
        self.init(unchecked: width, height: height, pixels: pixels)
    }

    /// For code in this module that has already sized `pixels` itself.
    init(unchecked width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The R, G, B of one pixel.
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside the image")
        let offset = (y * width + x) * 3
        return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }

    /// A copy of the pixels inside `rect` (which must lie inside the image and not be empty).
    ///
    /// A plain copy, like slicing the NumPy array in `transformers`' pan-and-scan: no
    /// resampling happens here, the crop is resized later like the full image.
    public func cropped(to rect: PixelRect) throws(PreprocessingError) -> RGBImage {
        guard rect.width > 0, rect.height > 0, rect.x >= 0, rect.y >= 0,
              rect.x + rect.width <= width, rect.y + rect.height <= height else {
            throw .cropOutsideImage(x: rect.x, y: rect.y, width: rect.width, height: rect.height,
                                    imageWidth: width, imageHeight: height)
        }
        if rect == PixelRect(width: width, height: height) { return self }
        var out = [UInt8](repeating: 0, count: rect.width * rect.height * 3)
        let rowBytes = rect.width * 3
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for row in 0..<rect.height {
                    let from = ((rect.y + row) * width + rect.x) * 3
                    let to = row * rowBytes
                    for i in 0..<rowBytes { target[to + i] = source[from + i] }
                }
            }
        }
        return RGBImage(unchecked: rect.width, height: rect.height, pixels: out)
    }
}
