/// Settings of pan-and-scan, the extra crops Gemma 3 can be shown of a large or elongated image.
///
/// Defaults are those of `transformers`' `Gemma3Processor` (which leaves pan-and-scan
/// off unless asked): crops at least 256 px on their short side, at most 4 crops, and
/// only for images at least 1.2 times longer than wide (or wider than long).
public struct PanAndScanOptions: Sendable, Equatable {
    /// Smallest crop side accepted; with fewer pixels no crops are made.
    public let minCropSize: Int
    /// Most crops made from one image.
    public let maxCrops: Int
    /// Aspect ratio (long side / short side) from which crops are made.
    public let minRatioToActivate: Double

    public init(minCropSize: Int = 256, maxCrops: Int = 4, minRatioToActivate: Double = 1.2) throws(PreprocessingError) {
        guard minCropSize >= 1 else { throw .invalidPanAndScan("minimum crop size must be at least 1, got \(minCropSize)") }
        guard maxCrops >= 1 else { throw .invalidPanAndScan("maximum crop count must be at least 1, got \(maxCrops)") }
        guard minRatioToActivate.isFinite else { throw .invalidPanAndScan("activation ratio must be finite") }
        self.minCropSize = minCropSize
        self.maxCrops = maxCrops
        self.minRatioToActivate = minRatioToActivate
    }

    /// `transformers`' defaults: 256 px, 4 crops, ratio 1.2.
    public static let gemma3 = PanAndScanOptions(unchecked: 256, maxCrops: 4, minRatioToActivate: 1.2)

    private init(unchecked minCropSize: Int, maxCrops: Int, minRatioToActivate: Double) {
        self.minCropSize = minCropSize
        self.maxCrops = maxCrops
        self.minRatioToActivate = minRatioToActivate
    }
}
