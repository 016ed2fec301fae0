import GGUF

/// `medgemma info FILE`: describes a model file like a model card.
enum InfoCommand: Subcommand {
    static let name = "info"
    static let summary = "describe a model file (GGUF): architecture, sizes, quantization, tokenizer"
    static let help = """
    Usage: medgemma info [--json] FILE

    Describes a GGUF model file: architecture, sizes, quantization mix, tokenizer summary
    and parameter count. Without FILE, the default model is described.

    Options:
      --json       print the whole header: every metadata value and the tensor table
      -h, --help   show this help

    Exit status: 0 on success, 1 when the file cannot be read, 2 on a usage error.

    """
    static let spec = ArgumentSpec(flags: ["--json"], positionals: 0...1, positionalName: "FILE")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let path = ModelLocator.resolve(args.positionals.first)
        let file = try GGUFFile(path: path)
        if args.has("--json") {
            Console.out(GGUFJSON.render(file) + "\n")
        } else {
            Console.out(try ModelCard(file: file).render())
        }
        return 0
    }
}
