import Support

/// What a question with several pictures will cost on this machine, said before it is
/// sent (issue 14): a multi-slice or prior-study question can hold the CPU for minutes,
/// and the user should be able to choose fewer pictures or the remote backend first.
///
/// Pictures already encoded (in memory or in the disk cache) are free; the others take
/// the encode time measured on this machine (`VisionEmbeddingProvider
/// .measuredSecondsPerImage`), unknown until one image has been encoded. Every picture
/// costs its soft tokens plus four to prefill: `"\n\n"`, `<start_of_image>`,
/// `<end_of_image>`, `"\n\n"` (ENGINE.md §6).
public struct ImageQuestionCost: Sendable, Equatable {
    public var images: Int
    /// Of `images`, those still to be encoded.
    public var toEncode: Int
    /// Seconds one picture takes through the vision tower here; nil: not measured yet.
    public var secondsPerImage: Double?
    public var tokensPerImage: Int
    /// The question's own tokens (labels included).
    public var textTokens: Int

    public init(images: Int, toEncode: Int, secondsPerImage: Double?, tokensPerImage: Int, textTokens: Int) {
        self.images = images
        self.toEncode = toEncode
        self.secondsPerImage = secondsPerImage
        self.tokensPerImage = tokensPerImage
        self.textTokens = textTokens
    }

    /// Tokens the engine runs for the question (the system instruction aside).
    public var prefillTokens: Int { images * (tokensPerImage + 4) + textTokens }

    /// Seconds of encoding ahead, nil when the encode time is not known yet.
    public var encodeSeconds: Double? { secondsPerImage.map { Double(toEncode) * $0 } }

    /// One line, e.g. "3 images: 2 to encode × 14.2 s ≈ 28.4 s, 1 cached (free);
    /// 790 tokens to prefill (3 × 260 image + 10 text)".
    public var summary: String {
        var s = "\(images) image\(images == 1 ? "" : "s"): "
        if toEncode == 0 {
            s += "all cached (free)"
        } else {
            s += "\(toEncode) to encode"
            if let per = secondsPerImage, let total = encodeSeconds {
                s += " × \(Format.fixed(per, 1)) s ≈ \(Format.fixed(total, 1)) s"
            } else {
                s += " (encode time not measured yet)"
            }
            if toEncode < images { s += ", \(images - toEncode) cached (free)" }
        }
        s += "; \(prefillTokens) tokens to prefill (\(images) × \(tokensPerImage + 4) image + \(textTokens) text)"
        return s
    }
}
