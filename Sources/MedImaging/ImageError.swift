import Support

/// Why an image could not be decoded.
///
/// Every case carries the source (a file path, or a label for in-memory bytes) so
/// that `description` alone is a complete, one-line message fit for a terminal or log.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read (missing, a directory, no permission).
    case unreadable(source: String, reason: String)
    /// The input has no bytes at all.
    case empty(source: String)
    /// The input does not start with the PNG signature.
    case notPNG(source: String)
    /// The input ends before the image does.
    case truncated(source: String, detail: String)
    /// The header asks for more pixels than the decoder is willing to allocate.
    case tooLarge(source: String, width: Int, height: Int, limit: Int)
    /// The input is a PNG but its structure or compressed data is damaged or unsupported.
    case corrupt(source: String, detail: String)

    // JPEG has its own cases so that every message names the format the caller asked for,
    // while the PNG messages above stay exactly as they were.

    /// The input has no bytes at all, where a JPEG was expected.
    case emptyJPEG(source: String)
    /// The input does not start with the JPEG start-of-image marker (FF D8).
    case notJPEG(source: String)
    /// The JPEG ends before the image does (libjpeg would fill the rest with gray; we refuse).
    case truncatedJPEG(source: String, detail: String)
    /// The input is a JPEG but its markers or entropy-coded data are damaged.
    case corruptJPEG(source: String, detail: String)
    /// A well-formed JPEG of a kind this decoder does not produce (CMYK, 12-bit, lossless…).
    case unsupportedJPEG(source: String, detail: String)

    /// The file path or label the error is about.
    public var source: String {
        switch self {
        case .unreadable(let source, _), .empty(let source), .notPNG(let source),
             .truncated(let source, _), .tooLarge(let source, _, _, _), .corrupt(let source, _),
             .emptyJPEG(let source), .notJPEG(let source), .truncatedJPEG(let source, _),
             .corruptJPEG(let source, _), .unsupportedJPEG(let source, _):
            return source
        }
    }

    /// One line: "<source>: <problem>".
    public var description: String {
        let problem: String
        switch self {
        case .unreadable(_, let reason):
            problem = "cannot read file: \(reason)"
        case .empty:
            problem = "empty file, not a PNG image"
        case .notPNG:
            problem = "not a PNG image (the PNG signature is missing)"
        case .truncated(_, let detail):
            problem = "truncated PNG: \(detail)"
        case .tooLarge(_, let width, let height, let limit):
            problem = "image too large: \(width)×\(height) pixels exceeds the limit of \(limit) pixels"
        case .corrupt(_, let detail):
            problem = "damaged PNG: \(detail)"
        case .emptyJPEG:
            problem = "empty file, not a JPEG image"
        case .notJPEG:
            problem = "not a JPEG image (the start-of-image marker FF D8 is missing)"
        case .truncatedJPEG(_, let detail):
            problem = "truncated JPEG: \(detail)"
        case .corruptJPEG(_, let detail):
            problem = "damaged JPEG: \(detail)"
        case .unsupportedJPEG(_, let detail):
            problem = "unsupported JPEG: \(detail)"
        }
        // Control characters (including newlines) from file names or library messages
        // would break the one-line promise, so they become spaces.
        return OneLine.clean("\(source): \(problem)")
    }
}
