import Workstation
import Gemma

/// `medgemma generate --prompt TEXT`: raw continuation, no chat template.
enum GenerateCommand: Subcommand {
    static let name = "generate"
    static let summary = "continue raw text (no chat template); --json for ids"
    static let help = """
    Usage: medgemma generate --prompt TEXT [--max-tokens N] [--temperature T] [--top-k K]
                             [--top-p P] [--seed S] [--json] [--precision P] [--lora FILE[:S]] [--model M]

    Continues TEXT as it is, without the chat template: special tokens in TEXT are parsed
    and BOS is added. The continuation streams to standard output; timings go to standard
    error. Generation stops at <eos> or <end_of_turn>, or after N tokens; Ctrl-C stops it
    cleanly and keeps what was written.

    Options:
      --prompt TEXT      the text to continue ('-' reads standard input)
    \(generation.help)
      --json             print {"prompt_ids": [...], "ids": [...], "text": "..."} at the end instead of streaming
    \(PrecisionOption.help(column: 21))
    \(LoRAOption.help(column: 21))
      --model M          the GGUF model (default: $MEDGEMMA_MODEL or the default model)
      -h, --help         show this help

    AI output is a research draft, not for clinical use.

    """
    /// No `--ctx`: the context is sized to the prompt and `--max-tokens`.
    static let generation = GenerationOptions(maxTokens: 64, maxTokensRange: 0...1_000_000, maxTokensMeaning: "new tokens",
                                              sameSeed: "same seed, same output", takesContext: false)
    static let spec = ArgumentSpec(flags: ["--json"],
                                   options: ["--prompt"] + generation.options + ["--model", PrecisionOption.option, LoRAOption.option],
                                   aliases: ["-p": "--prompt", "-m": "--model"].merging(GenerationOptions.aliases) { a, _ in a })

    static func run(_ args: ParsedArguments) throws -> Int32 {
        guard let promptArg = args["--prompt"] else { throw UsageError(command: qualifiedName, "missing --prompt") }
        let generated = try generation.settings(args, command: qualifiedName)
        let settings = generated.sampling, maxTokens = generated.maxTokens
        let promptText = try PromptInput.read(promptArg)
        let path = ModelLocator.resolve(args["--model"])
        // The prompt's bytes bound its tokens: the context it will need, at most.
        let adapters = try LoRAOption.requests(args, command: qualifiedName)
        try MemoryCheck.ensureFits(model: path, mmproj: nil, contextSize: promptText.utf8.count + maxTokens + 2,
                                   adapters: adapters.map(\.path))
        let engine = try Engine(path: path)
        engine.model.precision = try PrecisionOption.parse(args, command: qualifiedName)
        try LoRAOption.apply(adapters, to: engine.model)
        let ids = engine.tokenizer.encode(promptText, addBOS: true, parseSpecial: true)
        let json = args.has("--json")
        let conversation = Conversation(model: engine.model, contextSize: ids.count + maxTokens + 1)
        let reply = try StreamedReply.run(quiet: json) { onEvent in
            engine.complete(ids, in: conversation, settings: settings, maxTokens: maxTokens, onEvent: onEvent)
        }
        if json {
            let out: JSONValue = .object([
                ("prompt_ids", .array(ids.map { .int(Int($0)) })),
                ("ids", .array(reply.ids.map { .int(Int($0)) })),
                ("text", .string(reply.text)),
            ])
            Console.out(out.rendered() + "\n")
        } else {
            Console.out("\n")
        }
        if let stats = reply.stats { Console.err(Timing.line(stats) + "\n") }
        Console.err(Disclaimer.text + "\n")
        return 0
    }
}
