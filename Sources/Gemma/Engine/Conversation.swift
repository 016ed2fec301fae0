/// A chat whose KV cache survives between turns: a follow-up question runs only the tokens
/// that are new since the last reply, not the whole history again.
public final class Conversation: @unchecked Sendable {
    public private(set) var messages: [ChatMessage] = []
    let cache: KVCache
    /// The tokens whose keys and values are in the cache, in order.
    var cachedTokens: [Int32] = []
    /// Images seen in this conversation, by key; image `i` occupies its prompt positions
    /// as the placeholder id `-(i + 1)`, so prompts with images compare like token lists.
    private var imageKeys: [String: Int32] = [:]
    private(set) var images: [ImageEmbedding] = []
    /// The last prompt run and where its processing started (see `reuse`).
    private var lastRequest: (tokens: [Int32], start: Int)?
    /// The model's `adapterGeneration` the cache was filled under.
    private var adapterGeneration = 0

    /// Starts a conversation, optionally with a system instruction (folded into the first
    /// user turn by the template).
    public init(model: GemmaModel, contextSize: Int, system: String? = nil) {
        cache = model.makeCache(capacity: contextSize)
        if let system, !system.isEmpty { messages.append(ChatMessage(.system, system)) }
    }

    public var contextSize: Int { cache.capacity }
    public var contextUsed: Int { cache.count }

    public func addUser(_ text: String, images: [ImageEmbedding] = [], imagePlacement: ChatMessage.ImagePlacement = .afterText) {
        messages.append(ChatMessage(.user, text, images: images, imagePlacement: imagePlacement))
    }

    func addAssistant(_ text: String) { messages.append(ChatMessage(.assistant, text)) }

    /// Replaces the whole history, for callers that keep the transcript themselves (a chat
    /// session edits, clears or regenerates it). The KV cache still serves whatever prefix
    /// of the new rendering it already holds.
    public func setMessages(_ newMessages: [ChatMessage]) { messages = newMessages }

    /// The placeholder id for an image's positions (the same for the same key).
    func placeholder(for image: ImageEmbedding) -> Int32 {
        if let id = imageKeys[image.key] { return id }
        images.append(image)
        let id = -Int32(images.count)
        imageKeys[image.key] = id
        return id
    }

    /// The image behind a placeholder id.
    func image(placeholder id: Int32) -> ImageEmbedding { images[Int(-id) - 1] }

    /// Keeps the cached prefix shared with `tokens`; returns where new processing starts.
    /// At least the last token is always re-run, since its logits are needed.
    ///
    /// The same prompt again (regenerating a reply) restarts where that prompt's request
    /// started, so it runs the same tokens in the same batch and, with the same seed,
    /// gives the same reply: a single re-run token would take the decode kernels, whose
    /// rounding differs slightly from the prompt batch's, and could flip a sampled token.
    ///
    /// The sliding-window layers keep only a ring of recent positions: when going back to
    /// `common` would need a window the ring has already overwritten, the cache empties
    /// itself (`KVCache.truncate` returns 0) and the whole prompt runs again.
    /// Empties the cache when the model's adapters changed since it was filled (`:lora`):
    /// its keys and values were made by other weights.
    func forgetIfStale(generation: Int) {
        guard generation != adapterGeneration else { return }
        adapterGeneration = generation
        _ = cache.truncate(to: 0)
        cachedTokens = []
        lastRequest = nil
    }

    func reuse(for tokens: [Int32]) -> Int {
        var common = 0
        let limit = min(tokens.count - 1, cachedTokens.count, cache.count)
        while common < limit && tokens[common] == cachedTokens[common] { common += 1 }
        if let last = lastRequest, last.tokens == tokens { common = min(common, last.start) }
        // An image is always run whole (its rows attend to each other): never resume
        // inside one.
        while common > 0 && tokens[common] < 0 && tokens[common - 1] == tokens[common] { common -= 1 }
        common = cache.truncate(to: common)
        lastRequest = (tokens, common)
        cachedTokens.removeLast(cachedTokens.count - common)
        return common
    }

    /// For running `tokens` ahead of a reply (`Engine.prefillAhead`): how many of them the
    /// cache already holds. When it holds them all, whatever follows them stays (a warm-up
    /// after a reply must not throw the reply away); otherwise the cache is cut back to the
    /// shared part, since the next prompt starts with `tokens` and not with what followed.
    /// Unlike `reuse`, the last token need not be run again: no logits are wanted. A cut
    /// lands on a multiple of `alignment`, where the rest can run as a cold prompt would.
    func keepCached(prefix tokens: [Int32], alignment: Int = 1) -> Int {
        var common = 0
        let limit = min(tokens.count, cachedTokens.count, cache.count)
        while common < limit && tokens[common] == cachedTokens[common] { common += 1 }
        guard common < tokens.count else { return common }
        // `tokens` holds no image positions, so the kept part ends before any image.
        precondition(!tokens.contains { $0 < 0 }, "a prefix run ahead holds no image")
        common -= common % max(1, alignment)
        common = cache.truncate(to: common)
        cachedTokens.removeLast(cachedTokens.count - common)
        return common
    }
}
