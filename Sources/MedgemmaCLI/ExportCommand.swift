import Foundation
import GGUF
import Gemma
import Kernels
import Support

/// `medgemma export --lora A[:S] … --out FILE`: a base model with LoRA adapters merged into
/// its weights, as one GGUF file that llama.cpp and this engine load without `--lora`.
enum ExportCommand: Subcommand {
    static let name = "export"
    static let summary = "merge LoRA adapters into the model's weights and write a new GGUF file"
    static let help = """
    Usage: medgemma export --lora FILE[:S] [--lora FILE[:S]…] --out FILE [--type T] [--force] [--model M]

    Writes a copy of the model with the adapters folded into its weights: every projection an
    adapter updates becomes W + S·(alpha/rank)·B·A, summed over the adapters, exactly the
    update --lora applies on the fly. The result loads anywhere a GGUF model does (llama.cpp
    included) and runs at the base model's speed, with no adapter to carry along.

    Only the projections an adapter changes are re-quantized; every other tensor (embeddings,
    norms, the projections no adapter touches) is copied byte for byte, same type, same
    bytes. The metadata is the base's, with general.file_type set for --type and the
    adapters listed (name, sha256, scale) under medgemma.merged_adapters.

    The file is written as FILE.partial and renamed to FILE only when complete; the base is
    read through its mapping and the result streamed out, so memory stays small.

    Options:
      --lora FILE[:S]  a llama.cpp GGUF LoRA adapter scaled by S (default 1); again for several
      --out FILE       the merged model to write (an existing file is refused without --force)
      --type T         the type of the updated projections: same (default: each keeps its own),
                       f32, f16, bf16, q8_0, q6_k, q5_0 or q4_k; a row that is not whole blocks
                       falls back as llama-quantize does (q4_k → q5_0, q6_k → q8_0, else f16).
                       The quantizers are llama.cpp's reference ones, byte for byte
      --force          replace an existing --out
      --model M        the base GGUF model (default: $MEDGEMMA_MODEL or the default model)
      -h, --help       show this help

    """
    static let spec = ArgumentSpec(flags: ["--force"], options: [LoRAOption.option, "--out", "--type", "--model"],
                                   aliases: ["-m": "--model", "-o": "--out"])

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let requests = try LoRAOption.requests(args, command: qualifiedName)
        guard !requests.isEmpty else { throw UsageError(command: qualifiedName, "--lora FILE is required") }
        guard let out = args["--out"], !out.isEmpty else { throw UsageError(command: qualifiedName, "--out FILE is required") }
        let typeName = args["--type"] ?? "same"
        guard let type = ExportType(name: typeName.lowercased()) else {
            throw UsageError(command: qualifiedName, "--type \(typeName): expected one of \(ExportType.names.joined(separator: ", "))")
        }
        if FileManager.default.fileExists(atPath: out) && !args.has("--force") {
            throw CommandFailure("\(out): already exists (--force replaces it)")
        }
        let modelPath = ModelLocator.resolve(args["--model"])
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: out)) == modelPath || realPath(out) == realPath(modelPath) {
            throw CommandFailure("\(out): is the base model itself; write the merged model elsewhere")
        }
        let base = try GGUFFile(path: modelPath)
        let config = try GemmaConfig(file: base)
        let adapters = try requests.map { try LoRAOption.load($0, for: config) }
        let merge: AdapterMerge
        do {
            merge = try AdapterMerge(base: base, adapters: adapters, type: type)
        } catch {
            throw CommandFailure(error.description)
        }
        let merged = merge.entries.filter(\.isMerged)
        let types = Dictionary(grouping: merged, by: \.type).map { "\($0.value.count) \($0.key.name)" }.sorted()
        Console.err("merging \(adapters.count) adapter\(adapters.count == 1 ? "" : "s") into \(merged.count) of \(merge.entries.count) tensors (\(types.joined(separator: ", "))); the rest copied\n")
        let started = ContinuousClock.now
        let terminal = Console.errIsTerminal
        // Ctrl-C stops before the next tensor and removes FILE.partial (a second one exits at once).
        let cancel = CancelFlag()
        let interrupt = InterruptWatcher { cancel.raise() }
        defer { interrupt.stop() }
        do {
            try merge.write(to: out, progress: { i, n, name in
                if terminal { Console.err("\r\u{1B}[K[\(i + 1)/\(n)] \(OneLine.clean(name))") }
            }, isCancelled: { cancel.isRaised })
        } catch {
            if terminal { Console.err("\r\u{1B}[K") }
            if error.isInterruption {
                Console.err("\(error.description)\n")
                return 130
            }
            throw CommandFailure(error.description)
        }
        if terminal { Console.err("\r\u{1B}[K") }
        let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
        let seconds = Format.seconds(ContinuousClock.now - started)
        Console.err("wrote \(out): \(Format.bytes(size)) in \(Format.fixed(seconds, 1)) s\n")
        return 0
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = Glibc.realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
