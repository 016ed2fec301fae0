import Adapters
import Foundation
import Glibc
import SafeTensors
import Support

/// Writes a trained adapter as the folder PEFT's `save_pretrained` writes, so the Python
/// side (`PeftModel.from_pretrained`, TRL, vLLM, `merge_and_unload`) takes up where the
/// in-process training left off — the GGUF LoRA (`LoRAFileWriter`) serves llama.cpp and
/// Ollama, this one Hugging Face. Two files:
///
/// - `adapter_model.safetensors`: per projection `base_model.model.<layer path>.lora_A.weight`
///   (`[r, in]`) and `.lora_B.weight` (`[out, r]`) in F32, byte for byte what peft 0.21's
///   `save_pretrained` writes for the same values (checked against its own folder,
///   Tests/Fixtures/training/text-initial and vision-initial). The layer path is the base
///   class's: `model.layers.N.` for Gemma3ForCausalLM (Gemma 3 270M and 1B, MedGemma 27B
///   text), `model.language_model.layers.N.` for Gemma3ForConditionalGeneration (MedGemma 4B,
///   transformers ≥ 4.52) — the GGUF does not say which, so the caller does.
/// - `adapter_config.json`: `peft_type` LORA, `r`, `lora_alpha`, `lora_dropout`,
///   `target_modules`, `task_type` CAUSAL_LM, `bias` none and the defaults PEFT writes, keys
///   sorted and indented as PEFT's `json.dumps(indent=2, sort_keys=True)`, and
///   `modules_to_save` with trained copies of the embedding / output matrix (saved whole, as
///   `…embed_tokens.weight` and `base_model.model.lm_head.weight`). `target_modules`
///   lists the projections trained (`q_proj`, …) for the text class; for the multimodal class
///   it is the regular expression `.*language_model.*\.(q_proj|…)`, since a plain list would
///   also wrap the SigLIP tower's `q_proj`/`k_proj`/`v_proj`, which were not trained.
///
/// Atomic as a whole: both files go into a temporary folder beside FOLDER, fsync'd, which is
/// then renamed to FOLDER; a crash leaves the old folder or the new one, never half of each.
/// An existing FOLDER is replaced only when asked and only when it holds nothing but what
/// PEFT writes (a user's folder named by mistake is never emptied).
public enum PEFTFolderWriter {
    /// The Hugging Face class of the base model, which decides the tensors' names.
    public enum BaseClass: String, Sendable, CaseIterable {
        case causalLM = "Gemma3ForCausalLM"
        case conditionalGeneration = "Gemma3ForConditionalGeneration"

        var layerPrefix: String {
            switch self {
            case .causalLM: return "base_model.model.model.layers."
            case .conditionalGeneration: return "base_model.model.model.language_model.layers."
            }
        }

        /// The saved name of the trained embedding copy (`modules_to_save` "embed_tokens").
        var embeddingName: String {
            switch self {
            case .causalLM: return "base_model.model.model.embed_tokens.weight"
            case .conditionalGeneration: return "base_model.model.model.language_model.embed_tokens.weight"
            }
        }
    }

    /// What the config records beyond the adapter's own rank, alpha and targets.
    public struct Description: Sendable {
        public var baseClass: BaseClass
        /// `lora_dropout` used in training.
        public var dropout: Double
        /// `base_model_name_or_path`: a Hugging Face repository id when known, else null.
        public var baseModel: String?

        public init(baseClass: BaseClass = .causalLM, dropout: Double = 0, baseModel: String? = nil) {
            self.baseClass = baseClass
            self.dropout = dropout
            self.baseModel = baseModel
        }
    }

    /// The files a PEFT adapter folder may hold; a folder with anything else is not replaced.
    static let ownFiles: Set<String> = [PEFTAdapter.configName, PEFTAdapter.weightsName, PEFTAdapter.binaryWeightsName, "README.md"]

    /// PEFT's module name of a projection (`q_proj`, `down_proj`).
    static func moduleName(_ p: TextProjection) -> String {
        String(p.huggingFaceName.split(separator: ".").last!)
    }

    /// The tensor name PEFT saves for one half of a pair.
    public static func tensorName(layer: Int, projection: TextProjection, part: LoRATensorName.Part, baseClass: BaseClass) -> String {
        "\(baseClass.layerPrefix)\(layer).\(projection.huggingFaceName).lora_\(part.rawValue).weight"
    }

    /// `adapter_model.safetensors`.
    public static func weights(_ adapter: TrainableAdapter, baseClass: BaseClass) -> [UInt8] {
        var tensors: [SafeTensorsWriter.Tensor] = []
        for (l, p) in adapter.orderedKeys {
            let pair = adapter.layers[l][p]!
            tensors.append(.init(name: tensorName(layer: l, projection: p, part: .a, baseClass: baseClass), shape: [pair.rank, pair.inputs], values: pair.a))
            tensors.append(.init(name: tensorName(layer: l, projection: p, part: .b, baseClass: baseClass), shape: [pair.outputs, pair.rank], values: pair.b))
        }
        // modules_to_save: the whole trained copies, under the names PEFT saves them by.
        if let output = adapter.output {
            tensors.append(.init(name: "base_model.model.lm_head.weight", shape: [output.rows, output.columns], values: output.values))
        }
        if let embedding = adapter.embedding {
            tensors.append(.init(name: baseClass.embeddingName, shape: [embedding.rows, embedding.columns], values: embedding.values))
        }
        return SafeTensorsWriter.bytes(f32: tensors, metadata: ["format": "pt"])
    }

    /// `adapter_config.json`.
    public static func config(_ adapter: TrainableAdapter, _ d: Description) -> String {
        let trained = TextProjection.allCases.filter { p in adapter.layers.contains { $0[p] != nil } }
        let targets: String
        switch d.baseClass {
        case .causalLM:
            let names = trained.map(moduleName).sorted()
            targets = names.isEmpty ? "[]" : "[\n" + names.map { "    " + JSONString.quoted($0) }.joined(separator: ",\n") + "\n  ]"
        case .conditionalGeneration:
            targets = JSONString.quoted(".*language_model.*\\.(" + trained.map(moduleName).joined(separator: "|") + ")")
        }
        let members: [(String, String)] = [
            ("alpha_pattern", "{}"),
            ("base_model_name_or_path", d.baseModel.map(JSONString.quoted) ?? "null"),
            ("bias", "\"none\""),
            ("fan_in_fan_out", "false"),
            ("inference_mode", "true"),
            ("init_lora_weights", "true"),
            ("layers_pattern", "null"),
            ("layers_to_transform", "null"),
            ("lora_alpha", number(adapter.alpha)),
            ("lora_dropout", d.dropout.description),
            ("modules_to_save", modulesToSave(adapter)),
            ("peft_type", "\"LORA\""),
            ("r", "\(adapter.rank)"),
            ("rank_pattern", "{}"),
            ("revision", "null"),
            ("target_modules", targets),
            ("task_type", "\"CAUSAL_LM\""),
            ("use_dora", "false"),
            ("use_rslora", "false"),
        ]
        return "{\n" + members.map { "  \(JSONString.quoted($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}"
    }

    /// `modules_to_save`: the trained copies in the notebook's order, or null.
    static func modulesToSave(_ adapter: TrainableAdapter) -> String {
        let names = [adapter.output.map { _ in "lm_head" }, adapter.embedding.map { _ in "embed_tokens" }].compactMap { $0 }
        return names.isEmpty ? "null" : "[\n" + names.map { "    " + JSONString.quoted($0) }.joined(separator: ",\n") + "\n  ]"
    }

    /// A whole alpha as an integer (`16`, as PEFT writes the notebook's), else its shortest form.
    static func number(_ x: Float) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : x.description
    }

    /// Whether FOLDER exists, after checking that `write` may put the adapter there: nothing
    /// there, or (when `replacing`) a folder of PEFT's files alone — for a caller to find out
    /// before hours of training rather than after.
    @discardableResult
    public static func checkTarget(_ folder: String, replacing: Bool) throws(PEFTFolderWriteError) -> Bool {
        func fail(_ reason: String) -> PEFTFolderWriteError { PEFTFolderWriteError(folder: folder, reason) }
        var info = stat()
        guard lstat(folder, &info) == 0 else { return false }
        guard replacing else { throw fail("already exists") }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw fail("exists and is not a folder") }
        let present = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if let other = present.sorted().first(where: { !ownFiles.contains($0) }) {
            throw fail("holds \(other), which is not part of a PEFT adapter; not replaced")
        }
        return true
    }

    /// Writes the folder. `replacing`: an existing FOLDER of PEFT's files may be replaced
    /// (`--force`, a `--save-every` save, a resumed run); otherwise it is refused.
    public static func write(_ adapter: TrainableAdapter, _ d: Description, to folder: String, replacing: Bool) throws(PEFTFolderWriteError) {
        let target = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        func fail(_ reason: String) -> PEFTFolderWriteError { PEFTFolderWriteError(folder: target, reason) }
        func systemError(_ what: String) -> PEFTFolderWriteError { fail("\(what) (\(String(cString: strerror(errno))))") }

        let exists = try checkTarget(target, replacing: replacing)
        let parent = (target as NSString).deletingLastPathComponent.isEmpty ? "." : (target as NSString).deletingLastPathComponent
        let base = (target as NSString).lastPathComponent
        let stamp = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let temporary = parent + "/." + base + ".partial-" + stamp
        guard mkdir(temporary, 0o755) == 0 else { throw systemError("cannot create a folder in \(parent)") }
        func removeFolder(_ path: String) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] { unlink(path + "/" + name) }
            rmdir(path)
        }
        do throws(PEFTFolderWriteError) {
            try file(weights(adapter, baseClass: d.baseClass), to: temporary + "/" + PEFTAdapter.weightsName, folder: target)
            try file(Array(config(adapter, d).utf8), to: temporary + "/" + PEFTAdapter.configName, folder: target)
            syncFolder(temporary)
            if exists {
                let aside = parent + "/." + base + ".old-" + stamp
                guard rename(target, aside) == 0 else { throw systemError("cannot move the old folder aside") }
                guard rename(temporary, target) == 0 else {
                    let error = systemError("cannot rename the new folder into place")
                    rename(aside, target)
                    throw error
                }
                removeFolder(aside)
            } else {
                guard rename(temporary, target) == 0 else { throw systemError("cannot rename the new folder into place") }
            }
            syncFolder(parent)
        } catch {
            removeFolder(temporary)
            throw error
        }
    }

    /// One file created, written whole and fsync'd.
    private static func file(_ bytes: [UInt8], to path: String, folder: String) throws(PEFTFolderWriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PEFTFolderWriteError(folder: folder, "cannot create \((path as NSString).lastPathComponent) (\(String(cString: strerror(errno))))") }
        let failed = FileWrite.all(fd, bytes) ?? (fsync(fd) == 0 ? nil : errno)
        close(fd)
        if let e = failed {
            throw PEFTFolderWriteError(folder: folder, "cannot write \((path as NSString).lastPathComponent) (\(String(cString: strerror(e))))")
        }
    }

    private static func syncFolder(_ path: String) {
        let dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
    }
}
