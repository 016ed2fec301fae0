import MedImaging
import VisionPreprocessing

/// An image shown to the model with a user message, in a form every backend can use:
/// the RGB picture as the image pipeline made it from the file (windowed, CT windows
/// packed, inverted or not), before the model's own resize and normalisation.
///
/// The in-process backend encodes it through the mmproj (`ImageEmbeddingProvider`); a
/// remote backend sends its model-size view as a PNG data URL. `key` names the pixels,
/// so the same picture is recognised (KV cache, embedding cache) however it was reached.
public struct ImageAttachment: Sendable, Equatable {
    /// Where it came from, for the transcript and report stamps (a file name or path).
    public let source: String
    /// How the picture was made from the file ("window 400/40", "CT windows"), for stamps.
    public let preparation: String
    public let picture: RGBImage
    /// `VisionPipeline.key(for: picture)`: sha256 of the size and pixels.
    public let key: String
    /// The line that introduces the picture in a turn that shows several ("cxr-2024.png",
    /// "Prior study (2024-03-01):"), so the model can tell them apart and the answer can
    /// name them; nil for a picture shown alone, which reads as before (no label).
    public var label: String?

    public init(source: String, preparation: String, picture: RGBImage, label: String? = nil) {
        self.source = source
        self.preparation = preparation
        self.picture = picture
        self.key = VisionPipeline.key(for: picture)
        self.label = label
    }

    /// The same picture introduced by `label`.
    public func labelled(_ label: String?) -> ImageAttachment {
        var copy = self
        copy.label = label
        return copy
    }

    /// Attachments compare by what the model sees, not by where they came from.
    public static func == (a: ImageAttachment, b: ImageAttachment) -> Bool { a.key == b.key }
}
