import SafeTensors
import Support

/// Why a PEFT adapter folder could not be read: one line, "FILE: problem", naming the file
/// at fault (`adapter_config.json` or `adapter_model.safetensors`) and, where one is, the
/// key or tensor.
public struct PEFTAdapterError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file at fault (or the folder, when a file is missing).
    public let file: String
    public let problem: Problem

    public init(file: String, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public enum Problem: Equatable, Sendable {
        case cannotRead(reason: String)
        case notJSON(reason: String)
        case notObject(found: String)
        case missingKey(String)
        case wrongType(key: String, expected: String, found: String)
        case invalidValue(key: String, reason: String)
        /// `peft_type` is not LORA (prefix tuning, IA3, …).
        case notLoRA(peftType: String)
        /// Non-empty `rank_pattern` / `alpha_pattern`: per-module ranks are not read yet.
        case patternsUnsupported(keys: [String])
        case doraUnsupported
        /// Only `adapter_model.bin` (a pickle) is there.
        case binaryWeightsOnly
        case noWeights
        /// The weights file itself is damaged (its own one-line message).
        case safeTensors(SafeTensorsError)
        case unplacedTensor(String)
        case missingHalf(tensor: String, missing: String)
        case wrongShape(tensor: String, shape: [Int], expected: String)
        case duplicatePlacement(tensor: String, other: String)
        case noMatrices
    }

    public var description: String {
        if case .safeTensors(let e) = problem { return e.description }
        return "\(OneLine.clean(file, controls: .escaped)): \(problem.text)"
    }
}

extension PEFTAdapterError.Problem {
    /// The problem without the file's name; names from the files shortened and escaped.
    public var text: String { OneLine.clean(rawText, controls: .escaped) }

    private var rawText: String {
        func q(_ s: String) -> String { "'" + OneLine.shortened(s, to: 120) + "'" }
        switch self {
        case .cannotRead(let reason): return reason
        case .notJSON(let reason): return "not JSON: \(reason)"
        case .notObject(let found): return "is \(found), not a JSON object"
        case .missingKey(let key): return "no \(q(key))"
        case .wrongType(let key, let expected, let found): return "\(q(key)) is \(found), expected \(expected)"
        case .invalidValue(let key, let reason): return "\(q(key)) \(reason)"
        case .notLoRA(let t): return "peft_type is \(q(t)); only LORA adapters are read"
        case .patternsUnsupported(let keys):
            return "\(keys.joined(separator: " and ")) give some modules their own rank or alpha; such adapters are not read yet"
        case .doraUnsupported: return "use_dora is true; DoRA adapters are not read (only plain LoRA)"
        case .binaryWeightsOnly:
            return "only adapter_model.bin is here; only adapter_model.safetensors is read (re-save with save_pretrained(..., safe_serialization=True), or convert with the safetensors package)"
        case .noWeights: return "no adapter_model.safetensors"
        case .safeTensors(let e): return e.problem.text
        case .unplacedTensor(let name): return "tensor \(q(name)) is not a LoRA matrix of a Gemma 3 projection"
        case .missingHalf(let name, let missing): return "tensor \(q(name)) has no \(q(missing))"
        case .wrongShape(let name, let shape, let expected): return "tensor \(q(name)) has shape \(shape), expected \(expected)"
        case .duplicatePlacement(let name, let other): return "tensors \(q(name)) and \(q(other)) update the same weight"
        case .noMatrices: return "holds no LoRA matrices"
        }
    }
}
