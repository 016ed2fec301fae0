import Glibc
import Gemma
import GGUF
import Support

/// `medgemma tokenize TEXT`: the model's token ids for a text, as llama.cpp gives them.
enum TokenizeCommand: Subcommand {
    static let name = "tokenize"
    static let summary = "print the token ids of a text (llama.cpp-identical), or benchmark the tokenizer"
    static let help = """
    Usage: medgemma tokenize [--no-bos] [--no-special] [--pieces] [--model FILE] TEXT
           medgemma tokenize --bench FILE [--no-bos] [--no-special] [--model FILE]

    Encodes TEXT with the model's tokenizer and prints the token ids as one JSON array:

      $ medgemma tokenize "Hello, world!"
      [2, 9259, 236764, 1902, 236888]

    The ids are those llama.cpp's llama_tokenize gives for the same model file. TEXT "-"
    reads all of standard input, byte for byte (a trailing newline is part of the text).

    Options:
      --no-bos          do not put BOS (<bos>, id 2) first
      --no-special      do not parse control tokens written in the text: <start_of_turn>,
                        <end_of_turn>, <bos>, </s> ... are spelled out piece by piece.
                        User-defined tokens (newline, space and tab runs, <start_of_image>,
                        HTML-like tags such as <b>) are single tokens either way.
      --pieces          print one object per token, one per line, instead of bare ids:
                          [
                            {"id": 2, "piece": "<bos>"},
                            {"id": 9259, "piece": "Hello"},
                            {"id": 1902, "piece": "▁world"}
                          ]
                        "piece" is the vocabulary text of the token: "▁" stands for a
                        space and <0xNN> for a single byte (byte fallback).
      --bench FILE      benchmark instead: load the tokenizer, encode FILE repeatedly for
                        at least a second, and print the load time and the encoding speed
                        in MB/s (1 MB = 10^6 bytes of input). No ids are printed.
      -m, --model FILE  the model file (default: $MEDGEMMA_MODEL, else the default model
                        in the models folder)
      -h, --help        show this help

    Exit status: 0 on success, 1 when the model cannot be read, 2 on a usage error.

    """
    static let spec = ArgumentSpec(flags: ["--no-bos", "--no-special", "--pieces"],
                                   options: ["--model", "--bench"],
                                   aliases: ["-m": "--model"],
                                   positionals: 0...1, positionalName: "TEXT")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let addBOS = !args.has("--no-bos")
        let parseSpecial = !args.has("--no-special")
        if let benchFile = args["--bench"] {
            guard args.positionals.isEmpty else {
                throw UsageError(command: qualifiedName, "--bench takes a FILE and no TEXT")
            }
            let input = try WholeFile.read(path: benchFile, limit: WholeFile.textLimit)
            return try bench(input: input, name: benchFile, model: ModelLocator.resolve(args["--model"]),
                             addBOS: addBOS, parseSpecial: parseSpecial)
        }
        guard let text = args.positionals.first else {
            throw UsageError(command: qualifiedName, "missing TEXT")
        }
        let tokenizer = try GemmaTokenizer(path: ModelLocator.resolve(args["--model"]))
        let ids: [Int32]
        if text == "-" {
            let input = try WholeFile.read(descriptor: STDIN_FILENO, name: "standard input", limit: WholeFile.textLimit)
            ids = tokenizer.encode(bytes: input, addBOS: addBOS, parseSpecial: parseSpecial)
        } else {
            ids = tokenizer.encode(text, addBOS: addBOS, parseSpecial: parseSpecial)
        }
        if args.has("--pieces") {
            Console.out(renderPieces(ids, tokenizer) + "\n")
        } else {
            Console.out(JSONValue.array(ids.map { .int(Int($0)) }).rendered() + "\n")
        }
        return 0
    }

    static func renderPieces(_ ids: [Int32], _ tokenizer: GemmaTokenizer) -> String {
        guard !ids.isEmpty else { return "[]" }
        let rows = ids.map { id in
            "  " + JSONValue.object([("id", .int(Int(id))), ("piece", .string(tokenizer.piece(id)))]).rendered()
        }
        return "[\n" + rows.joined(separator: ",\n") + "\n]"
    }

    // MARK: - Benchmark

    static func bench(input: [UInt8], name: String, model: String, addBOS: Bool, parseSpecial: Bool) throws -> Int32 {
        let clock = ContinuousClock()
        var file: GGUFFile?
        let parseTime = try clock.measure { file = try GGUFFile(path: model) }
        var tokenizer: GemmaTokenizer?
        let buildTime = try clock.measure { tokenizer = try GemmaTokenizer(file: file!) }
        guard let tokenizer else { return 1 }

        var tokens = 0
        var runs = 0
        var total = Duration.zero
        let cpuStart = cpuSeconds()
        repeat {
            total += clock.measure {
                tokens = input.withUnsafeBufferPointer {
                    tokenizer.encode(utf8: $0, addBOS: addBOS, parseSpecial: parseSpecial).count
                }
            }
            runs += 1
        } while total < .seconds(1) || runs < 3
        let cpu = cpuSeconds() - cpuStart
        let seconds = Format.seconds(total)
        let megabytes = Double(input.count) * Double(runs) / 1e6
        Console.out("""
        model:     \(model)
        tokenizer: \(tokenizer.vocabularySize) tokens; GGUF parse \(ms(parseTime)) ms, tokenizer build \(ms(buildTime)) ms
        input:     \(name), \(input.count) bytes -> \(tokens) tokens (\(ratio(input.count, tokens)) bytes/token)
        encode:    \(runs) runs in \(Format.fixed(seconds, 3)) s, \(ms(total / runs)) ms per run: \(Format.fixed(megabytes / seconds, 1)) MB/s
        cpu time:  \(Format.fixed(cpu * 1000 / Double(runs), 1)) ms per run: \(Format.fixed(megabytes / cpu, 1)) MB/s (differs from the above when the CPU is shared)

        """)
        return 0
    }

    /// CPU time used by this process so far, in seconds.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func ms(_ d: Duration) -> String { Format.fixed(Format.seconds(d) * 1000, 1) }

    static func ratio(_ bytes: Int, _ tokens: Int) -> String {
        tokens == 0 ? "-" : Format.fixed(Double(bytes) / Double(tokens), 2)
    }
}
