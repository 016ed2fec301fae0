/// One message in the transcript, as stored (raw, unsanitised: `TranscriptLayout`
/// cleans it when laying it out, so a sequence split across streamed tokens is still
/// caught).
public struct TranscriptEntry: Equatable, Sendable {
    public var role: TranscriptRole
    public var text: String
    /// The speed line under a reply, e.g. "prefill 312 tok/s · 41.2 tok/s · 1.2 s to first token".
    public var timing: String?
    /// The reply stopped early (cancelled, token limit, error).
    public var isIncomplete: Bool

    public init(role: TranscriptRole, text: String, timing: String? = nil, isIncomplete: Bool = false) {
        self.role = role
        self.text = text
        self.timing = timing
        self.isIncomplete = isIncomplete
    }
}
