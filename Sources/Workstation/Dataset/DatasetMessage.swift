/// One turn of a training conversation: `{"role": …, "content": [DatasetContent…]}`.
public struct DatasetMessage: Encodable, Sendable, Equatable {
    public var role: String
    public var content: [DatasetContent]

    public init(role: String, content: [DatasetContent]) {
        self.role = role
        self.content = content
    }
}
