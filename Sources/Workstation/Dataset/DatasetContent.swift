/// One piece of a chat message as the Hugging Face chat template (and TRL's vision
/// collator in the MedGemma fine-tuning notebook) reads it: `{"type": "text", "text": …}`
/// or `{"type": "image", "image": PATH}`.
public enum DatasetContent: Encodable, Sendable, Equatable {
    case text(String)
    case image(path: String)

    enum CodingKeys: String, CodingKey { case type, text, image }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try c.encode("text", forKey: .type)
            try c.encode(text, forKey: .text)
        case .image(let path):
            try c.encode("image", forKey: .type)
            try c.encode(path, forKey: .image)
        }
    }
}
