/// One piece of a multimodal prompt: text already tokenized, or one image's embeddings
/// (the `VisionEncoder` output). A Gemma 3 image prompt reads
/// `… <start_of_image>` · image rows · `<end_of_image> …` (ENGINE.md §7.6): the two marker
/// tokens belong to the neighbouring token segments.
public enum PromptSegment: Sendable {
    case tokens([Int32])
    /// `rows × d` floats for a text model of width d, row after row.
    case image([Float])
}
