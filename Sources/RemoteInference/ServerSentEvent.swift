/// One event of a `text/event-stream` (the HTML "server-sent events" format), as an
/// OpenAI-compatible server streams a chat completion: each `data:` line a JSON chunk,
/// and `[DONE]` at the end.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field, nil when absent (the default type, "message").
    public var type: String?
    /// The `data:` lines joined with "\n".
    public var data: String
    /// The `id:` field, if the server sent one.
    public var id: String?

    public init(type: String? = nil, data: String, id: String? = nil) {
        self.type = type
        self.data = data
        self.id = id
    }

    /// The OpenAI end-of-stream marker.
    public var isDone: Bool { data == "[DONE]" }
}
