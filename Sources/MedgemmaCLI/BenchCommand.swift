import Support
import Workstation
import Gemma
import GGUF
import Kernels

/// `medgemma bench`: prompt-processing and generation speed, llama-bench style, so the
/// engine can be compared with llama.cpp on the same file and machine.
enum BenchCommand: Subcommand {
    static let name = "bench"
    static let summary = "measure prompt processing and generation speed (llama-bench style)"
    static let help = """
    Usage: medgemma bench [-p N] [-n N] [-t THREADS] [-r REPS] [--json] [--precision P] [--lora FILE[:S]] [--model M]
                          [--mmproj P [--vision-exact-check]]

    Measures the engine like llama-bench: "ppN" runs a prompt of N tokens through a fresh
    context in batches; "tgN" generates N tokens one at a time after BOS. Token ids are
    random (seeded), sampling is not timed. Each test runs once to warm up, then REPS times;
    min, median and max tokens/s are reported. With --mmproj, "imageS" also encodes a
    random S×S image through the vision tower and projector (no warm-up run: one image
    takes tens of seconds on a laptop-class CPU) and reports image tokens/s; its seconds per
    image go to standard error. The backend column names the kernel path that ran (AVX-512
    VNNI, AVX-VNNI, AVX2, portable; `medgemma info --system` says which kernels that means)
    and where the weights live: files of 1 GiB or more are read into memory when they fit,
    others mapped (MEDGEMMA_WEIGHTS=mapped maps them all). The image test needs no matching
    text model: the tower is loaded at its own projection width, at the --precision asked
    for (exact: every product in f32).

    Options:
      -p, --prompt-tokens N   prompt length for the pp test (default 512; 0 skips it)
      -n, --gen-tokens N      tokens for the tg test (default 128; 0 skips it)
      -t, --threads N         worker threads (default: all cores)
      -r, --repetitions N     timed runs per test (default 5)
      --json                  print [{"test": "pp512", "threads": 2, "tokens_per_second": {"min": …, "median": …, "max": …}}, …]
    \(PrecisionOption.help(column: 26))
    \(LoRAOption.help(column: 26))
      --model M               the GGUF model (default: $MEDGEMMA_MODEL or the default model)
      --mmproj P              also time the vision encoder of this mmproj GGUF
      --vision-exact-check    then encode the last image again with every product in f32
                              (the exact path) and print its time and how far the fast
                              embeddings are from it: relative L2 ‖fast − exact‖/‖exact‖ and
                              max |fast − exact| / max |exact|
      -h, --help              show this help

    """
    static let spec = ArgumentSpec(
        flags: ["--json", "--vision-exact-check"],
        options: ["--prompt-tokens", "--gen-tokens", "--threads", "--repetitions", "--model", "--mmproj", PrecisionOption.option, LoRAOption.option],
        aliases: ["-p": "--prompt-tokens", "-n": "--gen-tokens", "-t": "--threads", "-r": "--repetitions", "-m": "--model"])

    struct Result {
        let test: String
        let rates: [Double]
        /// More fields for --json (the vision exact check).
        var extra: [(String, JSONValue)] = []
        var sorted: [Double] { rates.sorted() }
        var min: Double { sorted.first ?? 0 }
        var max: Double { sorted.last ?? 0 }
        var median: Double {
            let s = sorted
            guard !s.isEmpty else { return 0 }
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
    }

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let p = try ArgumentParser.int(args, "--prompt-tokens", default: 512, range: 0...65_536, command: qualifiedName)
        let n = try ArgumentParser.int(args, "--gen-tokens", default: 128, range: 0...65_536, command: qualifiedName)
        let reps = try ArgumentParser.int(args, "--repetitions", default: 5, range: 1...1000, command: qualifiedName)
        let threads = try ArgumentParser.int(args, "--threads", default: WorkerThreads.count, range: 1...1024, command: qualifiedName)
        WorkerThreads.count = threads
        let path = ModelLocator.resolve(args["--model"])
        let file = try GGUFFile(path: path, residency: .memoryIfItFits)
        let model = try GemmaModel(file: file)
        model.precision = try PrecisionOption.parse(args, command: qualifiedName)
        try LoRAOption.apply(LoRAOption.requests(args, command: qualifiedName), to: model)
        let bos: Int32 = Int32(try file.metadata.int("tokenizer.ggml.bos_token_id") ?? 2)
        var rng = SeededGenerator(seed: 1234)
        func randomTokens(_ count: Int) -> [Int32] {
            (0..<count).map { _ in Int32(truncatingIfNeeded: rng.next() % UInt64(model.config.vocabularySize)) }
        }
        let clock = ContinuousClock()
        var results: [Result] = []

        if p > 0 {
            var rates: [Double] = []
            for rep in 0...reps {
                let cache = model.makeCache(capacity: p)
                let tokens = [bos] + randomTokens(p - 1)
                let t0 = clock.now
                _ = try model.prefill(tokens, cache: cache)
                let s = Format.seconds(clock.now - t0)
                if rep > 0 { rates.append(Double(p) / s) }
                if !args.has("--json") { Console.err(".") }
            }
            results.append(Result(test: "pp\(p)", rates: rates))
        }
        if n > 0 {
            var rates: [Double] = []
            for rep in 0...reps {
                let cache = model.makeCache(capacity: n + 1)
                var logits = try model.forward(.tokens([bos]), cache: cache)
                let tokens = randomTokens(n)
                let t0 = clock.now
                for t in tokens { logits = try model.forward(.tokens([t]), cache: cache) }
                let s = Format.seconds(clock.now - t0)
                _ = logits
                if rep > 0 { rates.append(Double(n) / s) }
                if !args.has("--json") { Console.err(".") }
            }
            results.append(Result(test: "tg\(n)", rates: rates))
        }
        var notes: [String] = []
        if let mmproj = args["--mmproj"] {
            let visionFile = try GGUFFile(path: mmproj)
            let encoder = try VisionEncoder(file: visionFile, textWidth: VisionConfig(file: visionFile).projectionDim,
                                            precision: model.precision)
            // --lora's vision-tower part (checked against this tower) costs its FLOPs here too.
            do { try encoder.setAdapters(model.adapters) } catch { throw CommandFailure(error.description) }
            let size = encoder.config.imageSize
            var rates: [Double] = []
            var last: (pixels: [Float], embeddings: [Float])?
            for _ in 0..<reps {
                let pixels = (0..<(3 * size * size)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 }
                let t0 = clock.now, cpu0 = TokenizeCommand.cpuSeconds()
                let embeddings = try encoder.encode(pixels: pixels)
                let s = Format.seconds(clock.now - t0), cpu = TokenizeCommand.cpuSeconds() - cpu0
                rates.append(Double(encoder.tokensPerImage) / s)
                last = (pixels, embeddings)
                // CPU seconds too: on a shared machine they move far less than the wall clock.
                if !args.has("--json") { Console.err(" \(Format.fixed(s, 1)) s/image (CPU \(Format.fixed(cpu, 1)) s) ") }
            }
            var result = Result(test: "image\(size)", rates: rates)
            if args.has("--vision-exact-check"), let last {
                encoder.precision = .reference
                let t0 = clock.now, cpu0 = TokenizeCommand.cpuSeconds()
                let exact = try encoder.encode(pixels: last.pixels)
                let s = Format.seconds(clock.now - t0), cpu = TokenizeCommand.cpuSeconds() - cpu0
                let check = ExactCheck(last.embeddings, exact)
                result.extra = [("exact_seconds", .number(round2(s))), ("relative_l2_vs_exact", .number(check.relativeL2)),
                                ("max_abs_vs_exact", .number(check.relativeMax))]
                notes.append("image\(size) fast vs exact f32 (\(Format.fixed(s, 1)) s/image, CPU \(Format.fixed(cpu, 1)) s): relative L2 "
                             + "\(Format.fixed(100 * check.relativeL2, 3))%, max |Δ|/max |exact| \(Format.fixed(100 * check.relativeMax, 3))%")
            }
            results.append(result)
        }
        if !args.has("--json") { Console.err("\n") }

        if args.has("--json") {
            let json: JSONValue = .array(results.map { r in
                .object([
                    ("test", .string(r.test)),
                    ("threads", .int(threads)),
                    ("model", .string(path.split(separator: "/").last.map(String.init) ?? path)),
                    ("tokens_per_second", .object([("min", .number(round2(r.min))), ("median", .number(round2(r.median))), ("max", .number(round2(r.max)))])),
                    ("repetitions", .int(reps)),
                    ("weights", .string(file.residency.rawValue)),
                ] + r.extra)
            })
            Console.out(json.rendered() + "\n")
        } else {
            let name = (try file.metadata.string("general.name")) ?? "model"
            let size = Format.bytes(file.fileSize)
            let params = Format.count(file.tensorInfos.reduce(0) { $0 + $1.elementCount })
            let weights = file.residency == .memory ? "in memory" : "mapped"
            Console.out("| model | size | params | backend | threads | test | t/s (median, min–max) |\n")
            Console.out("| --- | ---: | ---: | --- | ---: | ---: | ---: |\n")
            for r in results {
                Console.out("| \(name) | \(size) | \(params) | CPU (\(KernelBackend.name); weights \(weights)) | \(threads) | \(r.test) | "
                            + "\(Format.fixed(r.median, 2)) (\(Format.fixed(r.min, 2))–\(Format.fixed(r.max, 2))) |\n")
            }
            for note in notes { Console.out(note + "\n") }
        }
        return 0
    }

    static func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }

    /// How far the fast embeddings are from the exact ones, in double precision.
    struct ExactCheck {
        let relativeL2: Double
        let relativeMax: Double

        init(_ fast: [Float], _ exact: [Float]) {
            precondition(fast.count == exact.count, "the two encodings differ in size")
            var difference = 0.0, norm = 0.0, worst = 0.0, largest = 0.0
            for (f, e) in zip(fast, exact) {
                let d = Double(f) - Double(e)
                difference += d * d
                norm += Double(e) * Double(e)
                worst = Swift.max(worst, abs(d))
                largest = Swift.max(largest, abs(Double(e)))
            }
            relativeL2 = norm > 0 ? (difference / norm).squareRoot() : 0
            relativeMax = largest > 0 ? worst / largest : 0
        }
    }
}
