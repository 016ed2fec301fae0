/// How the next token is chosen. Defaults follow the Gemma 3 model card
/// (temperature 1.0, top-k 64, top-p 0.95, min-p 0, penalties off).
public struct SamplingSettings: Sendable, Equatable, Codable {
    /// 0 or below means greedy (always the most likely token).
    public var temperature: Float = 1.0
    /// Keep only the k most likely tokens (0 keeps all).
    public var topK: Int = 64
    /// Keep the smallest set of most likely tokens whose probability reaches p (1 keeps all).
    public var topP: Float = 0.95
    /// Drop tokens whose probability is below min-p × the top token's probability.
    public var minP: Float = 0
    /// Multiplicative penalty for tokens seen in the last `penaltyWindow` tokens (1 = off).
    public var repetitionPenalty: Float = 1
    /// Subtracted once from the logit of every token seen in the window.
    public var presencePenalty: Float = 0
    /// Subtracted per occurrence in the window.
    public var frequencyPenalty: Float = 0
    public var penaltyWindow: Int = 64
    /// Same seed, same prompt, same settings: same tokens.
    public var seed: UInt64 = 0

    public init() {}

    public static let greedy: SamplingSettings = {
        var s = SamplingSettings()
        s.temperature = 0
        return s
    }()

    public var isGreedy: Bool { temperature <= 0 }
}
