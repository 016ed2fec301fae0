import Evaluation

/// `medgemma eval`'s choices, checked before anything is loaded.
struct EvalOptions {
    var mode: EvalMode
    var chat: Bool
    var limit: Int?
    /// Given with --seed: draws the --limit items at random.
    var drawSeed: UInt64?
    var seed: UInt64
    var shuffle: Bool
    var out: String?
    var resume: Bool
    var json: Bool
    var maxTokens: Int?
    var context: Int

    init(_ args: ParsedArguments, command: String) throws {
        let scoring = args["--scoring"]
        if args.has("--generate"), scoring != nil {
            throw UsageError(command: command, "--scoring and --generate exclude each other")
        }
        if let scoring {
            guard let rule = ScoringRule(rawValue: scoring) else {
                throw UsageError(command: command, "--scoring takes \(ScoringRule.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(scoring)')")
            }
            mode = .likelihood(rule)
        } else {
            mode = args.has("--generate") ? .generate : .likelihood(.tokenMean)
        }
        if args.has("--chat"), mode == .generate {
            throw UsageError(command: command, "--generate always asks in the chat template; --chat is for the likelihood modes")
        }
        chat = args.has("--chat")
        limit = args["--limit"] == nil ? nil : try ArgumentParser.int(args, "--limit", default: 0, range: 1...1_000_000, command: command)
        let seedValue = try ArgumentParser.int(args, "--seed", default: 1, range: 0...Int(Int32.max), command: command)
        seed = UInt64(seedValue)
        drawSeed = args["--seed"] == nil ? nil : seed
        shuffle = args.has("--shuffle-options")
        if shuffle, case .likelihood = mode {
            throw UsageError(command: command, "--shuffle-options checks the position bias of generated answers (--generate): likelihood scores each option on its own, wherever it stands")
        }
        out = args["--out"]
        resume = args.has("--resume")
        if resume && out == nil { throw UsageError(command: command, "--resume needs --out RUN.jsonl (the run to continue)") }
        json = args.has("--json")
        maxTokens = args["--max-tokens"] == nil ? nil : try ArgumentParser.int(args, "--max-tokens", default: 0, range: 1...8192, command: command)
        context = try ArgumentParser.int(args, "--ctx", default: 2048, range: 64...131_072, command: command)
    }
}
