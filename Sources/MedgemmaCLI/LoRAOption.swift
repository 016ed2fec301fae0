import Adapters
import Foundation
import GGUF
import Gemma
import Workstation

/// `--lora FILE[:SCALE]` (again for several adapters): LoRA adapters applied on the fly to
/// the in-process model — a llama.cpp GGUF LoRA or a PEFT folder, scaled by SCALE (default
/// 1) on top of its own alpha / rank, as `llama-cli --lora-scaled FILE SCALE`.
enum LoRAOption {
    static let option = "--lora"

    /// The option's help line, its description starting at `column` like the command's others.
    static func help(column: Int) -> String {
        let flag = "  --lora FILE[:S]", indent = String(repeating: " ", count: column)
        // A narrow column puts the description under the flag.
        let lead = flag.count < column ? flag.padding(toLength: column, withPad: " ", startingAt: 0) : flag + "\n" + indent
        return lead + "apply a LoRA adapter (GGUF LoRA or PEFT folder) scaled by S (default 1);\n"
            + indent + "again for several adapters at once"
    }

    struct Request: Equatable {
        let path: String
        let scale: Float
    }

    /// Each `--lora` value: the path, and the scale after its last ':' when that is a number
    /// and the path before it exists (a path may itself hold ':').
    static func requests(_ args: ParsedArguments, command: String) throws -> [Request] {
        try args.all(option).map { value in
            if let colon = value.lastIndex(of: ":") {
                let path = String(value[..<colon]), tail = String(value[value.index(after: colon)...])
                if let scale = Float(tail), FileManager.default.fileExists(atPath: path) {
                    guard scale.isFinite else { throw UsageError(command: command, "--lora \(value): the scale must be a finite number") }
                    return Request(path: path, scale: scale)
                }
            }
            return Request(path: value, scale: 1)
        }
    }

    /// Reads each adapter, checks it fits `model` (and `vision`, the tower loaded beside it),
    /// and makes them the model's adapters and the tower's.
    static func apply(_ requests: [Request], to model: GemmaModel, vision: VisionEncoder? = nil) throws {
        let adapters = try requests.map { try load($0, for: model.config, vision: vision?.config) }
        do {
            try ModelAdapter.checkTogether(adapters)
            try vision?.setAdapters(adapters)
        } catch {
            throw CommandFailure(error.description)
        }
        model.adapters = adapters
    }

    /// A PEFT folder (`adapter_config.json` + `adapter_model.safetensors`) or a llama.cpp
    /// GGUF LoRA, read and checked against the model and the vision tower `vision` when one
    /// is loaded.
    static func load(_ request: Request, for config: GemmaConfig, vision: VisionConfig? = nil) throws -> ModelAdapter {
        var isFolder: ObjCBool = false
        let weights: LoRAAdapterWeights
        if FileManager.default.fileExists(atPath: request.path, isDirectory: &isFolder), isFolder.boolValue {
            do {
                weights = try PEFTAdapter.load(folder: request.path)
            } catch {
                throw CommandFailure(error.description)
            }
        } else {
            do {
                let lora = try GGUFLoRAFile(path: request.path)
                let sha256 = try FileHashCache.shared.sha256(ofFileAt: request.path)
                weights = try LoRAAdapterWeights(gguf: lora, name: (request.path as NSString).lastPathComponent, sha256: sha256)
            } catch {
                throw CommandFailure("\(error)")
            }
        }
        do {
            return try ModelAdapter(weights: weights, config: config, vision: vision, userScale: request.scale)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
