/// Which channels each decoded pixel carries, in the order they are stored.
///
/// Decoders expand palettes and colour keys, so callers only ever meet these four
/// layouts and never have to know how the file happened to encode them.
public enum ChannelLayout: String, Sendable, Equatable, CaseIterable {
    case gray
    case grayAlpha
    case rgb
    case rgba

    /// Samples per pixel.
    public var count: Int {
        switch self {
        case .gray: return 1
        case .grayAlpha: return 2
        case .rgb: return 3
        case .rgba: return 4
        }
    }

    /// Whether the last sample of each pixel is alpha (straight, not premultiplied).
    public var hasAlpha: Bool { self == .grayAlpha || self == .rgba }

    /// Whether the pixel has red, green and blue rather than one gray sample.
    public var isColor: Bool { self == .rgb || self == .rgba }
}
