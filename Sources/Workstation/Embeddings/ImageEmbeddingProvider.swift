import Gemma

/// Turns an attached picture into what the in-process language model reads (the SigLIP
/// tower and projector), possibly from a cache. Called on the engine's queue while a reply
/// is being prepared; `progress` reports a line for the status bar.
public protocol ImageEmbeddingProvider: AnyObject, Sendable {
    /// The mmproj in use, for status lines and report stamps.
    var visionModelName: String { get }
    func embedding(for image: ImageAttachment, progress: @escaping (String) -> Void) throws -> ImageEmbedding
    /// Applies the vision-tower LoRA of `adapters` (none: the plain tower) to every image
    /// embedded from now on; one made for another tower is refused and nothing changes.
    func setAdapters(_ adapters: [ModelAdapter]) throws
}
