/// Prepares an RGB image for Gemma 3's vision encoder: resize, normalise, optional crops.
///
/// Reproduces `transformers`' `Gemma3ImageProcessorPil` (the PIL path, which is the
/// behaviour Gemma 3 was trained with): the whole image is stretched to the mmproj's
/// image size — aspect ratio not kept — with Pillow's antialiased bilinear
/// (`PillowBilinearResampler`), then rescaled and normalised (`PixelNormalizer`).
/// With pan-and-scan on, the crops chosen by `PanAndScan` are cut from the *input*
/// image and each goes through the same resize and normalisation, after the original.
///
/// Converting decoded files to RGB (gray replicated, alpha over white) is
/// `RGBImage(interleaved:…)`; DICOM windowing and CT packing happen before this step.
public struct ModelImagePreprocessor: Sendable {
    /// Encoder input width (`clip.vision.image_size`, 896 for Gemma 3).
    public let width: Int
    /// Encoder input height.
    public let height: Int
    /// Mean/std/rescale from the mmproj.
    public let normalization: NormalizationParameters
    /// Crops to add, or nil for the whole image only (the default, as in `transformers`).
    public let panAndScan: PanAndScanOptions?

    public init(width: Int = 896, height: Int = 896, normalization: NormalizationParameters = .gemma3,
                panAndScan: PanAndScanOptions? = nil) throws(PreprocessingError) {
        guard width > 0, height > 0 else { throw .invalidSize(width: width, height: height) }
        self.width = width
        self.height = height
        self.normalization = normalization
        self.panAndScan = panAndScan
    }

    /// The original image first, then its crops (if any), each ready for the encoder.
    public func preprocess(_ image: RGBImage) throws(PreprocessingError) -> [PreprocessedImage] {
        let whole = PixelRect(width: image.width, height: image.height)
        var results = [try prepare(image, role: .original, source: whole)]
        if let panAndScan {
            let rects = PanAndScan.cropRects(width: image.width, height: image.height, options: panAndScan)
            for (index, rect) in rects.enumerated() {
                results.append(try prepare(try image.cropped(to: rect), role: .crop(index: index), source: rect))
            }
        }
        return results
    }

    /// Resizes `image` (already cropped) and normalises it.
    private func prepare(_ image: RGBImage, role: PreprocessedImage.Role,
                         source: PixelRect) throws(PreprocessingError) -> PreprocessedImage {
        let resized = try PillowBilinearResampler.resize(image, width: width, height: height)
        return PreprocessedImage(role: role, source: source, width: width, height: height,
                                 pixelValues: PixelNormalizer.normalize(resized, with: normalization),
                                 normalization: normalization)
    }
}
