/// A range of CT values (Hounsfield units) stretched over 0…255 in one channel.
///
/// Given as the bounds, as Google's MedGemma CT notebook does, rather than centre/width.
public struct HounsfieldWindow: Sendable, Equatable {
    /// HU shown as 0 (everything below too).
    public let lower: Float
    /// HU shown as 255 (everything above too).
    public let upper: Float

    public init(lower: Float, upper: Float) throws(PreprocessingError) {
        guard lower.isFinite, upper.isFinite, upper > lower else { throw .invalidWindow(lower: lower, upper: upper) }
        self.lower = lower
        self.upper = upper
    }

    /// The window of a radiology centre/width pair: `centre ± width/2`.
    public init(center: Float, width: Float) throws(PreprocessingError) {
        try self.init(lower: center - width / 2, upper: center + width / 2)
    }

    /// Wide window, −1024 HU (air) to 1024 HU (above bone): MedGemma's red channel.
    public static let wide = HounsfieldWindow(unchecked: -1024, upper: 1024)
    /// Soft-tissue (mediastinum) window, −135 HU (fat) to 215 HU (start of bone): green.
    public static let softTissue = HounsfieldWindow(unchecked: -135, upper: 215)
    /// Brain window, 0 HU (water) to 80 HU (brain): blue.
    public static let brain = HounsfieldWindow(unchecked: 0, upper: 80)

    private init(unchecked lower: Float, upper: Float) {
        self.lower = lower
        self.upper = upper
    }
}
