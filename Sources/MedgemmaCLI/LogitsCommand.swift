import Gemma

/// `medgemma logits PROMPT`: the next-token logits after a prompt, as JSON — the check
/// used against llama.cpp and transformers.
enum LogitsCommand: Subcommand {
    static let name = "logits"
    static let summary = "print the top next-token logits after a prompt, as JSON"
    static let help = """
    Usage: medgemma logits [--top K] [--chat] [--model M] PROMPT

    Runs the model over PROMPT and prints the last position's K most likely next tokens:
      {"prompt_ids": [2, ...], "top": [{"id": 506, "piece": " the", "logit": 19.09}, ...]}
    PROMPT is raw text with special tokens such as <start_of_turn> parsed and BOS added,
    unless --chat wraps it as one user turn of the Gemma chat template followed by the
    generation prompt. PROMPT '-' reads standard input.

    Options:
      --top K        how many tokens to list (default 20)
      --chat         wrap PROMPT in the chat template
      --model M      the GGUF model (default: $MEDGEMMA_MODEL or the default model)
      -h, --help     show this help

    """
    static let spec = ArgumentSpec(flags: ["--chat"], options: ["--top", "--model"], aliases: ["-m": "--model"],
                                   positionals: 1...1, positionalName: "PROMPT")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let top = try ArgumentParser.int(args, "--top", default: 20, range: 1...1000, command: qualifiedName)
        let text = try PromptInput.read(args.positionals[0])
        let engine = try Engine(path: ModelLocator.resolve(args["--model"]))
        let tokenizer = engine.tokenizer, model = engine.model
        let prompt = args.has("--chat") ? try ChatTemplate.render([ChatMessage(.user, text)]) : text
        let ids = tokenizer.encode(prompt, addBOS: true, parseSpecial: true)
        let cache = model.makeCache(capacity: max(1, ids.count))
        let logits = try model.prefill(ids, cache: cache)
        let best = Sampler.topK(logits, min(top, logits.count))
        let json: JSONValue = .object([
            ("prompt_ids", .array(ids.map { .int(Int($0)) })),
            ("top", .array(best.map { .object([("id", .int(Int($0.id))), ("piece", .string(tokenizer.decode([$0.id], renderSpecial: true))), ("logit", .float($0.logit))]) })),
        ])
        Console.out(json.rendered() + "\n")
        return 0
    }
}
