import Gemma
import Support

/// The timing line shown after every reply (CLI, transcript, reports).
public enum Timing {
    /// Prefill and decode speed and time to first token of a reply. What a backend could
    /// not measure (a server that reports no usage) is left out rather than shown as 0.
    public static func line(_ s: GenerationStats) -> String {
        let cached = s.promptTokens - s.processedPromptTokens
        var parts: [String] = []
        if s.processedPromptTokens > 0 {
            parts.append("prompt \(s.processedPromptTokens) tokens" + (cached > 0 ? " (+\(cached) cached)" : "")
                         + " at \(Format.fixed(s.prefillTokensPerSecond, 1)) tok/s")
        }
        parts.append("first token after \(Format.fixed(Format.seconds(s.timeToFirstToken), 2)) s")
        parts.append("\(s.generatedTokens) tokens at \(Format.fixed(s.decodeTokensPerSecond, 1)) tok/s (\(s.stopReason.rawValue))")
        var line = parts.joined(separator: ", ")
        if s.contextSize > 0 { line += "; context \(s.contextUsed)/\(s.contextSize)" }
        return line
    }
}
