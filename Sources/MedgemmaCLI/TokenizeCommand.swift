#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Gemma
import GGUF

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
            guard let input = readAll(path: benchFile) else {
                Console.err("\(qualifiedName): cannot read '\(benchFile)'\n")
                return 1
            }
            return try bench(input: input, name: benchFile, model: ModelLocator.resolve(args["--model"]),
                             addBOS: addBOS, parseSpecial: parseSpecial)
        }
        guard let text = args.positionals.first else {
            throw UsageError(command: qualifiedName, "missing TEXT")
        }
        let tokenizer = try GemmaTokenizer(path: ModelLocator.resolve(args["--model"]))
        let ids: [Int32]
        if text == "-" {
            guard let input = readAll(fd: 0) else {
                Console.err("\(qualifiedName): cannot read standard input\n")
                return 1
            }
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
        let seconds = Self.seconds(total)
        let megabytes = Double(input.count) * Double(runs) / 1e6
        Console.out("""
        model:     \(model)
        tokenizer: \(tokenizer.vocabularySize) tokens; GGUF parse \(ms(parseTime)) ms, tokenizer build \(ms(buildTime)) ms
        input:     \(name), \(input.count) bytes -> \(tokens) tokens (\(ratio(input.count, tokens)) bytes/token)
        encode:    \(runs) runs in \(fixed(seconds, 3)) s, \(ms(total / runs)) ms per run: \(fixed(megabytes / seconds, 1)) MB/s
        cpu time:  \(fixed(cpu * 1000 / Double(runs), 1)) ms per run: \(fixed(megabytes / cpu, 1)) MB/s (differs from the above when the CPU is shared)

        """)
        return 0
    }

    /// CPU time used by this process so far, in seconds.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    static func ms(_ d: Duration) -> String { fixed(seconds(d) * 1000, 1) }

    static func ratio(_ bytes: Int, _ tokens: Int) -> String {
        tokens == 0 ? "-" : fixed(Double(bytes) / Double(tokens), 2)
    }

    static func fixed(_ v: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (v * scale).rounded() / scale
        var s = String(r)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 {
            s += "." + String(repeating: "0", count: digits)
        }
        return s
    }

    // MARK: - Input

    static func readAll(path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd: fd)
    }

    static func readAll(fd: Int32) -> [UInt8]? {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
