/// A rectangle of whole pixels in an image: the region a crop was taken from.
///
/// Pan-and-scan reports where each crop lies in the original image so the viewer can
/// outline it, and so "what the model sees" can be laid next to its source.
public struct PixelRect: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Left edge, in pixels from the image's left side.
    public var x: Int
    /// Top edge, in pixels from the image's top.
    public var y: Int
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The whole of a `width` × `height` image.
    public init(width: Int, height: Int) {
        self.init(x: 0, y: 0, width: width, height: height)
    }

    public var description: String { "\(width)×\(height)+\(x)+\(y)" }
}
