/// The timing line printed after a reply.
enum Timing {
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
