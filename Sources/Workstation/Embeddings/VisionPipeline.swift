import Support
import Gemma
import MedImaging
import VisionPreprocessing

/// From a picture to what the language model receives: resized and normalised as the
/// mmproj asks (Pillow-exact bilinear, its mean/std), optionally with pan-and-scan crops,
/// then through the SigLIP tower and projector. Shared by `ask --image` and the workstation.
public struct VisionPipeline: Sendable {
    public let encoder: VisionEncoder
    /// Also encode up to N crops of a large or elongated picture (off: nil).
    public var panAndScan: PanAndScanOptions?

    public init(encoder: VisionEncoder, panAndScan: PanAndScanOptions? = nil) {
        self.encoder = encoder
        self.panAndScan = panAndScan
    }

    /// The images the encoder will see: the whole picture first, then any crops. Shown and
    /// saved as "what the model sees".
    public func preprocess(_ picture: RGBImage) throws -> [PreprocessedImage] {
        let c = encoder.config
        let normalization = try NormalizationParameters(mean: c.imageMean, std: c.imageStd)
        return try ModelImagePreprocessor(width: c.imageSize, height: c.imageSize, normalization: normalization,
                                          panAndScan: panAndScan).preprocess(picture)
    }

    /// Encodes the picture (and its crops). `key` identifies the picture; the embedding's
    /// key adds how it was prepared, so a different mmproj or crop setting is a different
    /// image to the KV cache.
    public func encode(_ picture: RGBImage, key: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> ImageEmbedding {
        let inputs = try preprocess(picture)
        let prepared = "\(key)|\(encoder.file.path)|\(panAndScan.map { "\($0.maxCrops)/\($0.minCropSize)" } ?? "whole")"
        var embeddings: [ImageEmbedding] = []
        for (i, input) in inputs.enumerated() {
            progress(i, inputs.count)
            let rows = try encoder.encode(pixels: input.pixelValues)
            embeddings.append(ImageEmbedding(key: "\(prepared)#\(i)", rows: rows, tokenCount: encoder.tokensPerImage))
        }
        progress(inputs.count, inputs.count)
        let first = embeddings[0]
        return ImageEmbedding(key: first.key, rows: first.rows, tokenCount: first.tokenCount, crops: Array(embeddings.dropFirst()))
    }

    /// A stable identity for a picture: the hash of its size and pixels.
    public static func key(for picture: RGBImage) -> String {
        var h = SHA256()
        h.update(Array("\(picture.width)x\(picture.height)|".utf8))
        picture.pixels.withUnsafeBytes { h.update($0) }
        return SHA256.hex(h.finalize())
    }
}
