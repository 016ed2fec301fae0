import Gemma

/// A LoRA adapter that was applied while a report was drafted: its file, the file's
/// sha256 and the scale it ran at — the base model's stamp alone would not say which
/// weights wrote the draft.
public struct StampedAdapter: Codable, Sendable, Equatable {
    public var name: String
    public var sha256: String
    public var scale: Double

    public init(name: String, sha256: String, scale: Double) {
        self.name = name
        self.sha256 = sha256
        self.scale = scale
    }
}

extension StampedAdapter {
    public init(_ adapter: ModelAdapter) {
        self.init(name: adapter.name, sha256: adapter.sha256, scale: Double(adapter.userScale))
    }

    /// The adapters the in-process engine behind `backend` applies (none for a server).
    public static func of(_ backend: InferenceBackend) -> [StampedAdapter] {
        (backend as? LocalEngineBackend)?.adapters.map(StampedAdapter.init) ?? []
    }
}
