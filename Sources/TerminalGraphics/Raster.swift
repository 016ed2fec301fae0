/// An 8-bit gray or RGB picture at the size it will be shown: what every encoder in this
/// module takes. The image pipeline (window/level, zoom, pan) produces it; the encoders
/// only turn pixels into terminal output and never resample on their own.
public struct Raster: Sendable, Equatable {
    public enum Channels: Int, Sendable {
        case gray = 1
        case rgb = 3
    }

    public let width: Int
    public let height: Int
    public let channels: Channels
    /// Row-major, channels interleaved, no padding.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Channels, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "a raster has at least one pixel")
        precondition(pixels.count == width * height * channels.rawValue, "pixel count must match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The pixel at (x, y) as red, green, blue (gray repeated).
    @inline(__always)
    public func rgb(x: Int, y: Int) -> RGB {
        let i = (y * width + x) * channels.rawValue
        if channels == .gray { return RGB(pixels[i], pixels[i], pixels[i]) }
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Rec. 601 luma of the pixel at (x, y), 0…255.
    @inline(__always)
    public func luma(x: Int, y: Int) -> Int {
        let i = (y * width + x) * channels.rawValue
        if channels == .gray { return Int(pixels[i]) }
        return (299 * Int(pixels[i]) + 587 * Int(pixels[i + 1]) + 114 * Int(pixels[i + 2]) + 500) / 1000
    }
}

/// One colour, 8 bits per channel.
public struct RGB: Hashable, Sendable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public var isGray: Bool { r == g && g == b }
}
