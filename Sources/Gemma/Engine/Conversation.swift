/// A chat whose KV cache survives between turns: a follow-up question runs only the tokens
/// that are new since the last reply, not the whole history again.
public final class Conversation: @unchecked Sendable {
    public private(set) var messages: [ChatMessage] = []
    let cache: KVCache
    /// The tokens whose keys and values are in the cache, in order.
    var cachedTokens: [Int32] = []

    /// Starts a conversation, optionally with a system instruction (folded into the first
    /// user turn by the template).
    public init(model: GemmaModel, contextSize: Int, system: String? = nil) {
        cache = model.makeCache(capacity: contextSize)
        if let system, !system.isEmpty { messages.append(ChatMessage(.system, system)) }
    }

    public var contextSize: Int { cache.capacity }
    public var contextUsed: Int { cache.count }

    public func addUser(_ text: String) { messages.append(ChatMessage(.user, text)) }

    func addAssistant(_ text: String) { messages.append(ChatMessage(.assistant, text)) }

    /// Drops the last reply (to regenerate it); the cache keeps its still-valid prefix.
    public func removeLastReply() {
        if messages.last?.role == .assistant { messages.removeLast() }
    }

    /// Keeps the cached prefix shared with `tokens`; returns where new processing starts.
    /// At least the last token is always re-run, since its logits are needed.
    func reuse(for tokens: [Int32]) -> Int {
        var common = 0
        let limit = min(tokens.count - 1, cachedTokens.count, cache.count)
        while common < limit && tokens[common] == cachedTokens[common] { common += 1 }
        cache.truncate(to: common)
        cachedTokens.removeLast(cachedTokens.count - common)
        return common
    }
}
