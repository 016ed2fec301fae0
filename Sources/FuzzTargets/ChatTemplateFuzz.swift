import Gemma

/// The `chat` fuzz target: a conversation made of the fuzz text is rendered by the chat
/// template and the prompt tokenized with special tokens parsed, as the engine does.
///
/// The first byte chooses the shape (bit 0: a system message first; bit 1: the generation
/// prompt; bit 2: images before the text; bit 3: each turn shows an image labelled with
/// its own text; bit 4: one turn has the wrong role, which must be a clean error); the
/// rest, split at NUL bytes, are the turns' texts, alternating user and model.
enum ChatTemplateFuzz {
    /// One image of one soft token: the template only writes its marker.
    private static let image = ImageEmbedding(key: "fuzz", rows: [0], tokenCount: 1)

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let shape = bytes.first else { return }
        let texts = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: UnsafeRawBufferPointer(rebasing: $0), as: UTF8.self) }
        var messages: [ChatMessage] = []
        for (n, text) in texts.enumerated() {
            if n == 0 && shape & 1 != 0 {
                messages.append(ChatMessage(.system, text))
                continue
            }
            let turn = messages.filter { $0.role != .system }.count
            var role: ChatMessage.Role = turn % 2 == 0 ? .user : .assistant
            if shape & 16 != 0 && n == texts.count - 1 { role = role == .user ? .assistant : .user }
            let images = shape & 8 != 0 && role == .user ? [image] : []
            messages.append(ChatMessage(role, text, images: images, imagePlacement: shape & 4 != 0 ? .beforeText : .afterText,
                                        imageLabels: images.isEmpty ? [] : [text]))
        }
        guard let prompt = try? ChatTemplate.render(messages, addGenerationPrompt: shape & 2 != 0) else { return }
        let tokenizer = FuzzVocabulary.tokenizer
        let ids = tokenizer.encode(prompt, addBOS: true, parseSpecial: true)
        TokenizerFuzz.checkRoundTrip(ids.dropFirst(), of: Array(prompt.utf8), tokenizer)
    }
}
