import Support

/// Why an image could not be written as a PNG.
///
/// Kept apart from `ImageError`, which is about reading: a write fails for other
/// reasons (a full disk, a missing folder) and names a destination, not a source.
/// Every case carries that destination so `description` alone is a complete line.
public enum PNGEncoderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The channel layout and bit depth cannot be written faithfully (16-bit with alpha).
    case unsupportedLayout(destination: String, channels: ChannelLayout, bitDepth: Int)
    /// A row is too long for libpng's 32-bit row stride.
    case tooLarge(destination: String, width: Int, height: Int)
    /// libpng refused the image; `detail` is its message.
    case encodingFailed(destination: String, detail: String)
    /// The file could not be created, written, synced or renamed into place.
    case writeFailed(destination: String, reason: String)

    /// The file path or label the error is about.
    public var destination: String {
        switch self {
        case .unsupportedLayout(let destination, _, _), .tooLarge(let destination, _, _),
             .encodingFailed(let destination, _), .writeFailed(let destination, _):
            return destination
        }
    }

    /// One line: "<destination>: <problem>".
    public var description: String {
        let problem: String
        switch self {
        case .unsupportedLayout(_, let channels, let bitDepth):
            problem = "cannot write a \(bitDepth)-bit \(channels.rawValue) image as PNG "
                + "(16-bit images with alpha are not supported)"
        case .tooLarge(_, let width, let height):
            problem = "image too large to write as PNG: \(width)×\(height) pixels"
        case .encodingFailed(_, let detail):
            problem = "PNG encoding failed: \(detail)"
        case .writeFailed(_, let reason):
            problem = "cannot write file: \(reason)"
        }
        let line = "\(destination): \(problem)"
        // File names or library messages with control characters would break the one-line promise.
        return OneLine.clean(line)
    }
}
