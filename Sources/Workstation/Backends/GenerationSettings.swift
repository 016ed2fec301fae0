import Gemma

/// What a chat session asks of the model for every reply: sampling, length and the system
/// instruction. Changed from the command palette (`:set temperature 0.7`).
public struct GenerationSettings: Sendable, Equatable {
    public var sampling = SamplingSettings()
    public var maxTokens = 512
    public var system: String?

    public init(sampling: SamplingSettings = SamplingSettings(), maxTokens: Int = 512, system: String? = nil) {
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.system = system
    }
}
