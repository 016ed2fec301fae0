/// Why an image could not be prepared for the vision encoder.
///
/// Every case describes itself in one line, so a caller can show it in a status bar
/// or log without knowing which step of the preprocessing failed.
public enum PreprocessingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A width or height is zero or negative.
    case invalidSize(width: Int, height: Int)
    /// A pixel or value buffer does not hold width × height × channels entries.
    case sampleCountMismatch(expected: Int, actual: Int)
    /// Only 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) interleaved channels can become RGB.
    case unsupportedChannelCount(Int)
    /// 16-bit samples must be windowed to 8 bits (VOI LUT, CT windows) before preprocessing.
    case unsupportedBitDepth(Int)
    /// A crop rectangle is empty or reaches outside the image.
    case cropOutsideImage(x: Int, y: Int, width: Int, height: Int, imageWidth: Int, imageHeight: Int)
    /// Mean/std are not three finite values, a std is zero, or the rescale factor is not positive.
    case invalidNormalization(String)
    /// Pan-and-scan options out of range (crop size and crop count must be at least 1).
    case invalidPanAndScan(String)
    /// A Hounsfield window whose upper bound is not above its lower bound.
    case invalidWindow(lower: Float, upper: Float)
    /// Three-window packing was asked for an image that is not a gray CT slice.
    case notCT(modality: String?)

    public var description: String {
        switch self {
        case .invalidSize(let width, let height):
            return "invalid image size \(width)×\(height) (both sides must be at least 1 pixel)"
        case .sampleCountMismatch(let expected, let actual):
            return "image buffer holds \(actual) values, the size needs \(expected)"
        case .unsupportedChannelCount(let count):
            return "cannot convert \(count) channels per pixel to RGB (1 to 4 are supported)"
        case .unsupportedBitDepth(let depth):
            return "\(depth)-bit samples must be windowed to 8 bits before preprocessing"
        case .cropOutsideImage(let x, let y, let width, let height, let imageWidth, let imageHeight):
            return "crop \(width)×\(height) at (\(x), \(y)) is empty or outside the \(imageWidth)×\(imageHeight) image"
        case .invalidNormalization(let detail):
            return "invalid normalisation: \(detail)"
        case .invalidPanAndScan(let detail):
            return "invalid pan-and-scan options: \(detail)"
        case .invalidWindow(let lower, let upper):
            return "invalid Hounsfield window \(lower)…\(upper) (upper must be above lower)"
        case .notCT(let modality):
            return "three CT windows need a gray CT slice, not \(modality.map { "a \($0) image" } ?? "an image without a modality")"
        }
    }
}
