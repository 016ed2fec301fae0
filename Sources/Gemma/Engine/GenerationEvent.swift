import Support

/// What a listener receives while the engine replies.
public enum GenerationEvent: Sendable {
    /// What the reply is doing before its first token ("encoding image 1/2…",
    /// "prefill 812 tokens"), for a status bar. Not part of the reply.
    case progress(String)
    /// One generated token and the text it completes (may be empty while a multi-byte
    /// character is still incomplete).
    case token(GeneratedToken)
    /// The reply ended; the statistics say why and how fast.
    case finished(GenerationStats)
    /// The reply could not be produced (the message is one line).
    case failed(String)
}

public struct GeneratedToken: Sendable {
    public let id: Int32
    public let text: String
    /// 0 for the first generated token.
    public let index: Int
    /// Time since the request was made.
    public let elapsed: Duration
    /// Positions filled in the context when this token was produced (the token itself is
    /// fed back only before the next one), so a status bar can show the context live.
    public var contextUsed: Int = 0

    /// Public, so a backend outside this module (a server streaming text, not ids: `id`
    /// -1) produces the same events the engine does.
    public init(id: Int32, text: String, index: Int, elapsed: Duration, contextUsed: Int = 0) {
        self.id = id
        self.text = text
        self.index = index
        self.elapsed = elapsed
        self.contextUsed = contextUsed
    }
}

public enum StopReason: String, Sendable {
    case endOfTurn = "end of turn"
    case maxTokens = "token limit"
    case cancelled = "cancelled"
    case contextFull = "context full"
}

/// Timings of one reply: prefill and decode speed, time to first token.
public struct GenerationStats: Sendable {
    /// Tokens of the whole rendered prompt.
    public var promptTokens = 0
    /// Prompt tokens actually run through the model (the rest came from the KV cache).
    public var processedPromptTokens = 0
    public var generatedTokens = 0
    public var prefill: Duration = .zero
    public var decode: Duration = .zero
    /// From the request to the first token: what the user waits, queue and image
    /// preparation included (for the engine; a server's from sending the request).
    public var timeToFirstToken: Duration = .zero
    public var stopReason: StopReason = .endOfTurn
    /// Positions used in the context after this reply, and its size.
    public var contextUsed = 0
    public var contextSize = 0

    /// Empty statistics (the reason defaults to end of turn); the producer fills them in.
    public init(stopReason: StopReason = .endOfTurn) {
        self.stopReason = stopReason
    }

    public var prefillTokensPerSecond: Double { Self.rate(processedPromptTokens, prefill) }
    /// Decode rate over the tokens after the first (the first one's time is prefill's).
    public var decodeTokensPerSecond: Double { Self.rate(max(0, generatedTokens - 1), decode) }

    static func rate(_ n: Int, _ d: Duration) -> Double {
        let s = Format.seconds(d)
        return s > 0 ? Double(n) / s : 0
    }
}
