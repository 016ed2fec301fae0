/// The text that introduces an image and its pan-and-scan crops, as `transformers` writes it.
///
/// `Gemma3Processor.replace_image_token` replaces each image placeholder in the prompt
/// with the image's token sequence `S` (`"\n\n<start_of_image>"` + 256 ×
/// `<image_soft_token>` + `"<end_of_image>\n\n"`) when there are no crops, and otherwise
/// with `"Here is the original image " + S + " and here are some crops to help you see
/// better " + S + " " + S …` (one `S` per crop, joined by single spaces). The model was
/// trained on this wording, so it is reproduced verbatim.
public enum PanAndScanPrompt {
    /// Text before the original image's sequence when crops follow.
    public static let originalImageLead = "Here is the original image "
    /// Text between the original image's sequence and the first crop's.
    public static let cropsLead = " and here are some crops to help you see better "

    /// The replacement for one image placeholder, given the text that stands for one
    /// image's token sequence (the caller splices the embeddings where it appears).
    public static func replacement(cropCount: Int, imageSequence: String) -> String {
        guard cropCount > 0 else { return imageSequence }
        return originalImageLead + imageSequence + cropsLead
            + Array(repeating: imageSequence, count: cropCount).joined(separator: " ")
    }
}
