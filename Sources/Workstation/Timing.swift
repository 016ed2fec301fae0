import Gemma

/// The timing line shown after every reply (CLI, transcript, reports).
public enum Timing {
    /// Prefill and decode speed and time to first token of a reply.
    public static func line(_ s: GenerationStats) -> String {
        let cached = s.promptTokens - s.processedPromptTokens
        return "prompt \(s.processedPromptTokens) tokens" + (cached > 0 ? " (+\(cached) cached)" : "")
            + " at \(Format.fixed(s.prefillTokensPerSecond, 1)) tok/s, first token after \(Format.fixed(seconds(s.timeToFirstToken), 2)) s, "
            + "\(s.generatedTokens) tokens at \(Format.fixed(s.decodeTokensPerSecond, 1)) tok/s (\(s.stopReason.rawValue)); "
            + "context \(s.contextUsed)/\(s.contextSize)"
    }

    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
