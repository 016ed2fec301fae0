/// How 8-bit samples become the floats the vision encoder reads: `(u · rescale − mean) / std`.
///
/// The values come from the mmproj GGUF (`clip.vision.image_mean` / `image_std`); for
/// Gemma 3 and MedGemma they are 0.5 for every channel, which maps 0…255 to −1…1.
public struct NormalizationParameters: Sendable, Equatable {
    /// Per-channel mean (R, G, B), in the rescaled 0…1 range.
    public let mean: [Float]
    /// Per-channel standard deviation (R, G, B), in the rescaled range.
    public let std: [Float]
    /// Applied before the mean and std: 1/255 turns 0…255 into 0…1.
    public let rescaleFactor: Double

    public init(mean: [Float], std: [Float], rescaleFactor: Double = 1.0 / 255.0) throws(PreprocessingError) {
        guard mean.count == 3, std.count == 3 else {
            throw .invalidNormalization("mean and std need 3 values each, got \(mean.count) and \(std.count)")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 != 0 }) else {
            throw .invalidNormalization("mean must be finite and std finite and non-zero")
        }
        guard rescaleFactor.isFinite, rescaleFactor > 0 else {
            throw .invalidNormalization("rescale factor must be positive, got \(rescaleFactor)")
        }
        self.mean = mean
        self.std = std
        self.rescaleFactor = rescaleFactor
    }

    /// Gemma 3 / MedGemma: mean 0.5, std 0.5, rescale 1/255, so `n = 2u/255 − 1`.
    public static let gemma3 = NormalizationParameters(unchecked: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])

    private init(unchecked mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
        self.rescaleFactor = 1.0 / 255.0
    }
}
