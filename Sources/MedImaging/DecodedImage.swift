/// A decoded raster image: size, channel layout and the raw stored sample values.
///
/// Samples are the values as stored in the file (no gamma or colour management),
/// which is what measurements on medical images and the vision encoder expect.
public struct DecodedImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Channels per pixel and their order.
    public let channels: ChannelLayout
    /// The samples, row-major with `channels.count` interleaved samples per pixel.
    public let pixels: PixelSamples

    public init(width: Int, height: Int, channels: ChannelLayout, pixels: PixelSamples) {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        precondition(pixels.count == width * height * channels.count, "sample count must match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Bits per sample: 8 or 16.
    public var bitDepth: Int { pixels.bitDepth }

    /// The largest value a sample can hold at this bit depth (255 or 65535).
    public var maxSampleValue: Int { (1 << bitDepth) - 1 }

    /// One sample, by pixel position and channel index (0-based, in `channels` order).
    public func sample(x: Int, y: Int, channel: Int) -> Int {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside the image")
        precondition(channel >= 0 && channel < channels.count, "channel \(channel) is outside the layout")
        return pixels[(y * width + x) * channels.count + channel]
    }
}
