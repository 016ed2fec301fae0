/// The timing line printed after a reply.
import Gemma

enum Timing {
    /// Prefill and decode speed and time to first token of a chat reply.
    static func line(_ s: GenerationStats) -> String {
        let cached = s.promptTokens - s.processedPromptTokens
        return "prompt \(s.processedPromptTokens) tokens" + (cached > 0 ? " (+\(cached) cached)" : "")
            + " at \(ModelCard.fixed(s.prefillTokensPerSecond, 1)) tok/s, first token after \(ModelCard.fixed(seconds(s.timeToFirstToken), 2)) s, "
            + "\(s.generatedTokens) tokens at \(ModelCard.fixed(s.decodeTokensPerSecond, 1)) tok/s (\(s.stopReason.rawValue)); "
            + "context \(s.contextUsed)/\(s.contextSize)"
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func line(promptTokens: Int, prefill: Duration, generated: Int, decode: Duration) -> String {
        let p = seconds(prefill), g = seconds(decode)
        let pps = p > 0 ? Double(promptTokens) / p : 0
        let gps = g > 0 ? Double(generated) / g : 0
        return "prompt \(promptTokens) tokens in \(ModelCard.fixed(p, 2)) s (\(ModelCard.fixed(pps, 1)) tok/s), "
            + "generated \(generated) tokens in \(ModelCard.fixed(g, 2)) s (\(ModelCard.fixed(gps, 1)) tok/s)"
    }
}
