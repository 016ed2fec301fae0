import Foundation
import Gemma
import Workstation

/// The generation flags of the commands that generate text — sampling (`--temperature`,
/// `--top-k`, `--top-p`, `--seed`), `--max-tokens` and, where the command sizes a context
/// of its own, `--ctx` — declared once per command.
///
/// Why one type: each command used to parse, range-check and document these flags itself,
/// with every default written twice (in the help text and in the code) and the help lines
/// drifting apart. Here the defaults come from `SamplingSettings` and the declaration, the
/// help lines print them, and every command checks the same ranges with the same messages.
struct GenerationOptions {
    /// `--ctx`'s default: the context of `ask`, `report` and the workstation.
    static let defaultContextSize = 4096
    /// What `--ctx` accepts: a chat turn needs a few tokens of template; the top is far
    /// beyond what the model's rotary embeddings were trained for, but not refused here.
    static let contextRange = 16...1_048_576
    /// What `--top-k` accepts (0 keeps every token).
    static let topKRange = 0...1_000_000
    /// Where the help lines' descriptions start, as in the commands' other options.
    static let helpColumn = 21

    /// `--max-tokens`' default in this command.
    let maxTokens: Int
    /// What `--max-tokens` accepts: `generate` allows 0 (prefill only), the chat commands
    /// need at least one token of answer.
    let maxTokensRange: ClosedRange<Int>
    /// What N counts, for the help line "at most N … (default D)": "tokens in the answer".
    let maxTokensMeaning: String
    /// What a seed makes repeatable, ending the `--seed` help line: "same seed and question, same answer".
    let sameSeed: String
    /// Whether the command takes `--ctx` (it builds its own context; `generate` sizes it to fit).
    let takesContext: Bool

    init(maxTokens: Int, maxTokensRange: ClosedRange<Int> = 1...1_000_000, maxTokensMeaning: String,
         sameSeed: String, takesContext: Bool) {
        self.maxTokens = maxTokens
        self.maxTokensRange = maxTokensRange
        self.maxTokensMeaning = maxTokensMeaning
        self.sameSeed = sameSeed
        self.takesContext = takesContext
    }

    /// The option names, for the command's `ArgumentSpec`.
    var options: [String] {
        ["--max-tokens", "--temperature", "--top-k", "--top-p", "--seed"] + (takesContext ? ["--ctx"] : [])
    }

    /// The short spellings, for the command's `ArgumentSpec`.
    static let aliases = ["-n": "--max-tokens"]

    /// The options' help lines, in the order above, without a trailing newline.
    var help: String {
        let defaults = SamplingSettings()
        var lines = [
            Self.line("--max-tokens N", "at most N \(maxTokensMeaning) (default \(maxTokens))"),
            Self.line("--temperature T", "0 is greedy (default \(defaults.temperature), as the Gemma 3 model card recommends)"),
            Self.line("--top-k K", "keep the K most likely tokens (default \(defaults.topK); 0 keeps all)"),
            Self.line("--top-p P", "nucleus sampling threshold (default \(defaults.topP))"),
            Self.line("--seed S", "random seed (default \(defaults.seed)); \(sameSeed)"),
        ]
        if takesContext {
            lines.append(Self.line("--ctx N", "context size in tokens (default \(Self.defaultContextSize); in-process engine)"))
        }
        return lines.joined(separator: "\n")
    }

    private static func line(_ option: String, _ description: String) -> String {
        "  " + option.padding(toLength: helpColumn - 2, withPad: " ", startingAt: 0) + description
    }

    /// The sampling settings and `--max-tokens` the command line asks for, with `system`
    /// as the system instruction; a value out of range is a `UsageError`.
    func settings(_ args: ParsedArguments, command: String, system: String? = nil) throws -> GenerationSettings {
        let sampling = try Self.sampling(args, command: command)
        let maxTokens = try ArgumentParser.int(args, "--max-tokens", default: maxTokens, range: maxTokensRange, command: command)
        return GenerationSettings(sampling: sampling, maxTokens: maxTokens, system: system)
    }

    /// `--ctx`, or its default.
    func contextSize(_ args: ParsedArguments, command: String) throws -> Int {
        try ArgumentParser.int(args, "--ctx", default: Self.defaultContextSize, range: Self.contextRange, command: command)
    }

    /// `--temperature`, `--top-k`, `--top-p` and `--seed` over `SamplingSettings`' defaults.
    static func sampling(_ args: ParsedArguments, command: String) throws -> SamplingSettings {
        var s = SamplingSettings()
        if let t = args["--temperature"] {
            guard let v = Float(t), v >= 0, v.isFinite else { throw UsageError(command: command, "--temperature must be a number ≥ 0, got '\(t)'") }
            s.temperature = v
        }
        s.topK = try ArgumentParser.int(args, "--top-k", default: s.topK, range: topKRange, command: command)
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
