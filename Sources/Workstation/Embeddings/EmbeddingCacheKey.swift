import Support
import Gemma
import MedImaging
import VisionPreprocessing

/// Names one cached embedding: everything that decides the encoder's output, hashed.
///
/// - the picture (`ImageAttachment.key`, sha256 of the RGB pixels: it already captures the
///   file and its windowing), and the source file's hash when the caller knows it;
/// - how the picture is prepared for the encoder: image size, mean/std/rescale, and the
///   pan-and-scan options (crops are part of the entry);
/// - the mmproj's sha256 (not its path: a moved file still hits, a replaced one misses);
/// - the vision-tower LoRA applied (`VisionEncoder.adapterFingerprint`: each adapter's
///   sha256 and scale), only when there is one, so plain-tower keys are as they always were;
/// - `formatVersion`, bumped whenever preprocessing or the encoder changes its arithmetic,
///   so entries written by an older build are never mistaken for current ones.
public struct EmbeddingCacheKey: Sendable, Hashable, CustomStringConvertible {
    /// Bump when a change in this program would give different rows for the same inputs.
    public static let formatVersion = 1

    /// Lowercase hex sha256 of `components`; the cache file's name.
    public let digest: String
    /// The text that was hashed, one `name=value` per line (for debugging and tests).
    public let components: String

    public init(pictureKey: String, sourceFileHash: String? = nil, imageSize: Int,
                normalization: NormalizationParameters, panAndScan: PanAndScanOptions?, mmprojHash: String,
                adapters: String = "") {
        // Floats by bit pattern: "0.5" printed two ways must not make two keys.
        func bits(_ values: [Float]) -> String { values.map { String($0.bitPattern, radix: 16) }.joined(separator: ",") }
        let crops = panAndScan.map {
            "\($0.maxCrops)/\($0.minCropSize)/\(String($0.minRatioToActivate.bitPattern, radix: 16))"
        } ?? "off"
        components = [
            "medgemma-image-embedding=\(Self.formatVersion)",
            "picture=\(pictureKey)",
            "source=\(sourceFileHash ?? "-")",
            "size=\(imageSize)x\(imageSize)",
            "mean=\(bits(normalization.mean))",
            "std=\(bits(normalization.std))",
            "rescale=\(String(normalization.rescaleFactor.bitPattern, radix: 16))",
            "pan-and-scan=\(crops)",
            "mmproj=\(mmprojHash)",
        ].joined(separator: "\n") + (adapters.isEmpty ? "" : "\nvision-lora=\(adapters)")
        digest = SHA256.hex(of: Array(components.utf8))
    }

    /// The key for `image` through `pipeline`, whose mmproj hashes to `mmprojHash`, with the
    /// vision LoRA `adapters` (`VisionEncoder.adapterFingerprint`).
    public init(image: ImageAttachment, pipeline: VisionPipeline, mmprojHash: String,
                sourceFileHash: String? = nil, adapters: String = "") throws(PreprocessingError) {
        let c = pipeline.encoder.config
        self.init(pictureKey: image.key, sourceFileHash: sourceFileHash, imageSize: c.imageSize,
                  normalization: try NormalizationParameters(mean: c.imageMean, std: c.imageStd),
                  panAndScan: pipeline.panAndScan, mmprojHash: mmprojHash, adapters: adapters)
    }

    /// The 32 digest bytes, as echoed inside the cache file.
    public var bytes: [UInt8] {
        let utf8 = Array(digest.utf8)
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        return stride(from: 0, to: utf8.count, by: 2).map { nibble(utf8[$0]) << 4 | nibble(utf8[$0 + 1]) }
    }

    public var description: String { digest }
}
