import Foundation
import Gemma

/// The generation settings a draft was written with: with the same model, prompts, images
/// and these values (seed included), the in-process engine writes the same tokens again.
public struct StampedSettings: Codable, Sendable, Equatable {
    public var temperature: Double
    public var topK: Int
    public var topP: Double
    public var minP: Double
    public var repetitionPenalty: Double
    public var presencePenalty: Double
    public var frequencyPenalty: Double
    public var seed: UInt64
    public var maxTokens: Int

    public init(_ settings: GenerationSettings) {
        let s = settings.sampling
        temperature = Self.decimal(s.temperature)
        topK = s.topK
        topP = Self.decimal(s.topP)
        minP = Self.decimal(s.minP)
        repetitionPenalty = Self.decimal(s.repetitionPenalty)
        presencePenalty = Self.decimal(s.presencePenalty)
        frequencyPenalty = Self.decimal(s.frequencyPenalty)
        seed = s.seed
        maxTokens = settings.maxTokens
    }

    /// The shortest decimal that reads back as the same Float: the stamp says 0.95, the
    /// value the user typed, not 0.949999988079071 (the Float widened to Double).
    static func decimal(_ value: Float) -> Double {
        Double(String(describing: value)) ?? Double(value)
    }
}
