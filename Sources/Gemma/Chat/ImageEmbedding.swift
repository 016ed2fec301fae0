/// One image as the language model receives it: the vision encoder's soft-token rows,
/// `tokenCount × d` floats (ENGINE.md V10).
public struct ImageEmbedding: Sendable {
    /// Names the picture and how it was prepared (pixel hash, preprocessing, mmproj), so a
    /// conversation recognises the same image in later turns and reuses its KV cache.
    public let key: String
    public let rows: [Float]
    public let tokenCount: Int
    /// Pan-and-scan crops of the same picture, encoded like it and shown after it.
    public let crops: [ImageEmbedding]

    public init(key: String, rows: [Float], tokenCount: Int, crops: [ImageEmbedding] = []) {
        precondition(tokenCount > 0 && rows.count % tokenCount == 0, "image rows must be tokenCount × d")
        self.key = key
        self.rows = rows
        self.tokenCount = tokenCount
        self.crops = crops
    }

    /// Keys of the picture and its crops (what a conversation compares).
    var keys: [String] { [key] + crops.map(\.key) }

    /// How the image and its crops read in the prompt, as `transformers`'
    /// `Gemma3Processor.replace_image_token` writes them (the model was trained on this
    /// wording): the image alone, or "Here is the original image ⟨image⟩ and here are some
    /// crops to help you see better ⟨crop⟩ ⟨crop⟩ …". Each element is the text before an
    /// image sequence and that image.
    var promptPieces: [(lead: String, image: ImageEmbedding)] {
        guard !crops.isEmpty else { return [("", self)] }
        return [("Here is the original image ", self), (" and here are some crops to help you see better ", crops[0])]
            + crops.dropFirst().map { (" ", $0) }
    }
}
