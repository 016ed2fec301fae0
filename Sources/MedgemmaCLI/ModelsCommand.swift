import Foundation
import Gemma
import GGUF
import ModelCatalog
import ModelStore
import Support
import TUI

/// `medgemma models`: the GGUF models on this machine — ours, and those llama.cpp, Ollama
/// and the Hugging Face cache already hold — with what each is, whether its vision part
/// is paired, whether it is verified, and what it needs in memory (issue 15).
enum ModelsCommand: Subcommand {
    static let name = "models"
    static let summary = "list the models on this machine (ours, llama.cpp's, Ollama's, the Hugging Face cache); verify, remove"
    static let help = """
    Usage: medgemma models [--json]
           medgemma models verify [NAME]
           medgemma models rm NAME

    Lists every GGUF model in the models folder ($MEDGEMMA_MODELS, else
    ~/.cache/medgemma/models) and those other tools downloaded: llama.cpp ($LLAMA_CACHE,
    else ~/.cache/llama.cpp), Ollama ($OLLAMA_MODELS, else ~/.ollama/models, through its
    manifests) and the Hugging Face hub cache ($HF_HUB_CACHE, else ~/.cache/huggingface/hub).
    For each: its name (what --model and 'rm' take), where it came from, architecture,
    parameters, quantization, its vision part (an mmproj that fits it), size, whether it is
    verified, and the memory it needs at --ctx \\(GenerationOptions.defaultContextSize) with
    its vision part (MEMORY in the README).

    verify [NAME]   hash each model (or NAME) again and compare with the sha256 its store
                    gives (our .verified record, Ollama's digest, the hub's blob name);
                    exit status 1 when one differs
    rm NAME         remove a model we downloaded and its record; another tool's files are
                    never touched (use that tool)

    Options:
      --json             one JSON object per model, in an array
      -h, --help         show this help

    """
    static let spec = ArgumentSpec(flags: ["--json"], positionals: 0...2, positionalName: "action and NAME")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let models = ModelCatalog.scan(CatalogLocations(environment: ProcessInfo.processInfo.environment))
        switch args.positionals.first {
        case nil:
            guard args.positionals.isEmpty else { throw UsageError(command: qualifiedName, "unexpected '\(args.positionals[1])'") }
            list(models, json: args.has("--json"))
            return 0
        case "verify":
            return try verify(args.positionals.count > 1 ? [try find(args.positionals[1], in: models)] : models)
        case "rm":
            guard args.positionals.count == 2 else { throw UsageError(command: qualifiedName, "rm needs the NAME of a model (see 'medgemma models')") }
            return try remove(try find(args.positionals[1], in: models))
        case let other?:
            throw UsageError(command: qualifiedName, "unknown action '\(other)' (the actions are verify and rm)")
        }
    }

    /// The workstation's `:model` picker: the text models found, each with what it is and
    /// whether it fits now ("gemma3 · 268.1 M · Q4_K_M · vision · 345.9 MB · fits").
    static func choices() -> [ModelChoice] {
        let available = SystemMemory.available()
        let models = ModelCatalog.scan(CatalogLocations(environment: ProcessInfo.processInfo.environment))
        // The known MedGemma releases not pulled yet: choosing one pulls it.
        let notHere = KnownModels.all.filter { ModelLocator.pulled(shortName: $0.name, among: models) == nil }.map { known in
            ModelChoice(name: known.name, path: "", detail: "not downloaded · \(known.about) · Enter pulls it from \(known.repo)",
                        pullName: known.name)
        }
        return models.map(ModelRow.init)
            .filter { $0.architecture == "gemma3" && $0.problem == nil }
            .map { row in
                var parts = [row.model.source.rawValue, row.parameters.map(Format.count) ?? "?", row.quantization]
                if row.vision != nil { parts.append("vision") }
                if let memory = row.memory {
                    let verdict = available.map { memory + MemoryPlan.headroom <= $0 ? "fits" : "does not fit in \(Format.bytes($0))" }
                    parts.append("needs ≈ \(Format.bytes(memory))" + (verdict.map { " (\($0))" } ?? ""))
                }
                return ModelChoice(name: row.model.name, path: row.model.path, detail: parts.joined(separator: " · "))
            } + notHere
    }

    /// The picker's pull: a known model by short name into the models folder, its progress
    /// line handed to the job, stopped when the job is cancelled (the partial file stays).
    @Sendable static func pull(_ name: String, job: ModelPullJob) throws -> String {
        let request = try PullRequest(parsing: name, revision: nil, quant: nil)
        var pull = ModelPull(endpoint: HubEndpoint(environment: ProcessInfo.processInfo.environment), folder: ModelLocator.modelsDirectory)
        pull.progress = { file, have, total in
            DownloadProgress(name: file, total: total, alreadyHave: have, terminal: true) { text in
                job.report(text.filter { $0 != "\r" && $0 != "\n" }.replacingOccurrences(of: "\u{1B}[K", with: ""))
            }
        }
        pull.isCancelled = { job.isCancelled }
        return try pull.run(request)[0]
    }

    static func find(_ name: String, in models: [LocalModel]) throws -> LocalModel {
        guard let model = models.first(where: { $0.name == name }) else {
            throw CommandFailure("no model named '\(OneLine.clean(name))' (see 'medgemma models')")
        }
        return model
    }

    /// The table, or `--json`: one row per model, its header read for what it is.
    static func list(_ models: [LocalModel], json: Bool) {
        let rows = models.map(ModelRow.init)
        if json {
            Console.out(JSONValue.array(rows.map(\.json)).rendered() + "\n")
            return
        }
        guard !rows.isEmpty else {
            Console.out("no models yet: 'make model' fetches the default one, 'medgemma pull NAME' others\n")
            return
        }
        let header = ["NAME", "FROM", "ARCH", "PARAMS", "QUANT", "VISION", "SIZE", "VERIFIED", "MEMORY"]
        let table = [header] + rows.map(\.cells)
        let widths = header.indices.map { c in table.map { DisplayWidth.of($0[c]) }.max() ?? 0 }
        for line in table {
            Console.out(zip(line, widths).map { $0 + String(repeating: " ", count: $1 - DisplayWidth.of($0)) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n")
        }
    }

    static func verify(_ models: [LocalModel]) throws -> Int32 {
        var bad = 0
        for model in models {
            guard let expected = model.expectedSHA256 else {
                Console.out("\(model.name): no published sha256 is recorded for it (nothing to compare with)\n")
                continue
            }
            let actual = try SHA256.hex(ofFile: model.path)
            if actual == expected {
                Console.out("\(model.name): ok (sha256 \(actual))\n")
            } else {
                bad += 1
                Console.out("\(model.name): DIFFERS: sha256 \(actual), expected \(expected)\n")
            }
        }
        return bad == 0 ? 0 : 1
    }

    static func remove(_ model: LocalModel) throws -> Int32 {
        guard model.source == .medgemma else {
            let how = model.source == .ollama ? " ('ollama rm \(model.name)')" : ""
            throw CommandFailure("\(model.name) belongs to \(model.source.rawValue), not to medgemma: remove it with that tool\(how)")
        }
        try FileManager.default.removeItem(atPath: model.path)
        try? FileManager.default.removeItem(atPath: model.path + ".verified")
        Console.out("removed \(model.path)\n")
        return 0
    }
}
