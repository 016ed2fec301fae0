import Support
import Workstation
import Gemma
import GGUF

/// `medgemma perplexity FILE`: what `llama-perplexity` computes, on the same text and file.
enum PerplexityCommand: Subcommand {
    static let name = "perplexity"
    static let summary = "perplexity of a text file, computed exactly as llama-perplexity does"
    static let help = """
    Usage: medgemma perplexity [--ctx N] [--batch N] [--chunks N] [--json] [--precision P] [--lora FILE[:S]] [--model M] FILE

    Computes the model's perplexity on a text file the way llama.cpp's llama-perplexity
    does: the whole file (one trailing newline removed) is tokenized with BOS; it is cut into
    chunks of N tokens, each run in a fresh context with its first token replaced by BOS;
    only the second half of each chunk is scored. Prints the running perplexity after each
    chunk ([1]14.92,[2]...) and the final estimate with its error.

    Options:
      --ctx N        chunk length in tokens (default 512); the file needs at least 2 chunks
      --batch N      tokens per forward pass (default 512; does not change the result)
      --chunks N     stop after N chunks (default: all)
      --json         print {"ctx": …, "chunks": …, "scored": …, "ppl": …, "ppl_err": …, "running": […]}
    \(PrecisionOption.help(column: 17))
    \(LoRAOption.help(column: 17))
      --model M      the GGUF model (default: $MEDGEMMA_MODEL or the default model)
      -h, --help     show this help

    """
    static let spec = ArgumentSpec(flags: ["--json"], options: ["--ctx", "--batch", "--chunks", "--model", PrecisionOption.option, LoRAOption.option],
                                   aliases: ["-c": "--ctx", "-b": "--batch", "-m": "--model"],
                                   positionals: 1...1, positionalName: "FILE")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let ctx = try ArgumentParser.int(args, "--ctx", default: 512, range: 4...131_072, command: qualifiedName)
        let batch = try ArgumentParser.int(args, "--batch", default: 512, range: 1...131_072, command: qualifiedName)
        let chunks = args["--chunks"] == nil ? nil : try ArgumentParser.int(args, "--chunks", default: 0, range: 1...1_000_000, command: qualifiedName)
        let precision = try PrecisionOption.parse(args, command: qualifiedName)
        let adapters = try LoRAOption.requests(args, command: qualifiedName)
        let path = args.positionals[0]
        var text = String(decoding: try WholeFile.read(path: path, limit: WholeFile.textLimit), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        let modelPath = ModelLocator.resolve(args["--model"])
        try MemoryCheck.ensureFits(model: modelPath, mmproj: nil, contextSize: ctx, adapters: adapters.map(\.path))
        let file = try GGUFFile(path: modelPath, residency: .memoryIfItFits)
        let tokenizer = try GemmaTokenizer(file: file)
        let model = try GemmaModel(file: file)
        model.precision = precision
        try LoRAOption.apply(adapters, to: model)
        let tokens = tokenizer.encode(text, addBOS: true, parseSpecial: false)
        let json = args.has("--json")
        let result: PerplexityResult
        do {
            result = try model.perplexity(tokens: tokens, bos: tokenizer.bos, context: ctx, batchSize: batch, maxChunks: chunks) { r in
                if !json { Console.out("[\(r.chunks)]\(Format.fixed(r.perplexity, 4)),") }
            }
        } catch let error as PerplexityError {
            throw CommandFailure("\(path): \(error.description)")
        }
        if json {
            let out: JSONValue = .object([
                ("ctx", .int(ctx)), ("chunks", .int(result.chunks)), ("scored", .int(result.scoredTokens)),
                ("ppl", .number(result.perplexity)), ("ppl_err", .number(result.standardError)),
                ("running", .array(result.running.map { .number($0) })),
            ])
            Console.out(out.rendered() + "\n")
        } else {
            Console.out("\nFinal estimate: PPL = \(Format.fixed(result.perplexity, 4)) +/- \(Format.fixed(result.standardError, 5))\n")
        }
        return 0
    }
}
