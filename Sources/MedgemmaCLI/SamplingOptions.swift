import Gemma

/// The sampling flags shared by `ask` and `generate`.
enum SamplingOptions {
    static func parse(_ args: ParsedArguments, command: String) throws -> SamplingSettings {
        var s = SamplingSettings()
        if let t = args["--temperature"] {
            guard let v = Float(t), v >= 0, v.isFinite else { throw UsageError(command: command, "--temperature must be a number ≥ 0, got '\(t)'") }
            s.temperature = v
        }
        s.topK = try ArgumentParser.int(args, "--top-k", default: s.topK, range: 0...1_000_000, command: command)
        if let p = args["--top-p"] {
            guard let v = Float(p), v > 0, v <= 1 else { throw UsageError(command: command, "--top-p must be in (0, 1], got '\(p)'") }
            s.topP = v
        }
        if let seed = args["--seed"] {
            guard let v = UInt64(seed) else { throw UsageError(command: command, "--seed must be a non-negative integer, got '\(seed)'") }
            s.seed = v
        }
        return s
    }
}
