/// One image ready for the vision encoder: the whole picture or one pan-and-scan crop.
public struct PreprocessedImage: Sendable, Equatable {
    /// Whether this is the whole image or a pan-and-scan crop of it.
    public enum Role: Sendable, Equatable {
        case original
        case crop(index: Int)
    }

    /// Original or crop number (0-based, in encoding order).
    public let role: Role
    /// Where the pixels came from in the input image (the whole image for `.original`).
    public let source: PixelRect
    /// Width of the encoder input (the mmproj's image size).
    public let width: Int
    /// Height of the encoder input.
    public let height: Int
    /// Normalised values, `[3][height][width]` (CHW), as `PixelNormalizer` lays them out.
    public let pixelValues: [Float]
    /// The parameters `pixelValues` were normalised with (needed to show them).
    public let normalization: NormalizationParameters

    public init(role: Role, source: PixelRect, width: Int, height: Int, pixelValues: [Float],
                normalization: NormalizationParameters) {
        self.role = role
        self.source = source
        self.width = width
        self.height = height
        self.pixelValues = pixelValues
        self.normalization = normalization
    }

    /// "What the model sees": the encoder input turned back into RGB for display or saving.
    public func modelView() -> RGBImage {
        do {
            return try ModelInputRenderer.image(fromPixelValues: pixelValues, width: width, height: height,
                                                normalization: normalization)
        } catch {
            preconditionFailure("a PreprocessedImage always holds 3 × width × height values: \(error)")
        }
    }
}
