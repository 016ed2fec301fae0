/// Public initialisers for the event payloads, so a backend outside this module (the
/// remote client in Workstation) can produce the same events the engine does.
extension GeneratedToken {
    /// A piece of text from a server that streams text, not token ids: `id` is -1.
    public init(streamedText text: String, index: Int, elapsed: Duration, contextUsed: Int) {
        self.init(id: -1, text: text, index: index, elapsed: elapsed, contextUsed: contextUsed)
    }
}

extension GenerationStats {
    /// Empty statistics with the reason the reply stopped; the producer fills in the rest.
    public init(stopReason: StopReason) {
        self.init()
        self.stopReason = stopReason
    }
}
