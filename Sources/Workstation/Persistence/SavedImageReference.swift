/// An image shown with a saved message, by reference: where it came from, how it was
/// prepared and the key of its pixels. Pixels are not saved (they are large and can be
/// made again from the study's file); the key tells whether a re-made picture is the same.
public struct SavedImageReference: Codable, Sendable, Equatable {
    public var source: String
    public var preparation: String
    /// `ImageAttachment.key`: sha256 of the picture's size and pixels.
    public var key: String
    /// `ImageAttachment.label` ("Prior study (2024-03-01):"); absent in files saved before
    /// there were labels, and for a picture shown alone.
    public var label: String?

    public init(source: String, preparation: String, key: String, label: String? = nil) {
        self.source = source
        self.preparation = preparation
        self.key = key
        self.label = label
    }

    public init(_ attachment: ImageAttachment) {
        self.init(source: attachment.source, preparation: attachment.preparation, key: attachment.key, label: attachment.label)
    }
}
