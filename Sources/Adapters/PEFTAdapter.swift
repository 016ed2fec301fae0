import Glibc
import SafeTensors
import Support

/// Reads a PEFT LoRA folder — what `PeftModel.save_pretrained` writes: `adapter_config.json`
/// and `adapter_model.safetensors` — into `LoRAAdapterWeights`.
///
/// Every tensor must be placed (`LoRATensorName`): one that is not a LoRA matrix of a
/// Gemma 3 projection, vision linear or projector, nor a `modules_to_save` copy of the
/// embedding or the output, is refused by name, and so is an A without its B (or the
/// reverse), a shape other than A `[r, in]` and B `[out, r]` with the config's `r`, and two
/// names for the same weight — nothing in an adapter is ignored silently.
public enum PEFTAdapter {
    public static let configName = "adapter_config.json"
    public static let weightsName = "adapter_model.safetensors"
    /// The pickle PEFT wrote before safetensors; never unpickled here.
    public static let binaryWeightsName = "adapter_model.bin"

    public static func load(folder: String) throws(PEFTAdapterError) -> LoRAAdapterWeights {
        let base = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        let config = try PEFTAdapterConfig(path: base + "/" + configName)
        let weightsPath = base + "/" + weightsName
        if access(weightsPath, F_OK) != 0 {
            let bin = base + "/" + binaryWeightsName
            if access(bin, F_OK) == 0 { throw PEFTAdapterError(file: bin, .binaryWeightsOnly) }
            throw PEFTAdapterError(file: base, .noWeights)
        }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(path: weightsPath) } catch { throw PEFTAdapterError(file: weightsPath, .safeTensors(error)) }
        let (matrices, replacements) = try read(file, rank: config.rank)
        let sha256: String
        do { sha256 = try SHA256.hex(ofFile: weightsPath) } catch {
            throw PEFTAdapterError(file: weightsPath, .cannotRead(reason: "cannot read: \(error)"))
        }
        let name = base.split(separator: "/").last.map(String.init) ?? base
        return LoRAAdapterWeights(name: name, source: weightsPath, sha256: sha256, rank: config.rank, alpha: config.alpha,
                                  rsLoRA: config.useRSLoRA, matrices: matrices, replacements: replacements)
    }

    /// Every tensor of `file` placed, paired and checked against `rank`.
    static func read(_ file: SafeTensorsFile, rank: Int) throws(PEFTAdapterError)
        -> ([LoRAPlacement: LoRAMatrices], [ReplacedModule: ReplacementMatrix]) {
        func fail(_ p: PEFTAdapterError.Problem) -> PEFTAdapterError { PEFTAdapterError(file: file.path, p) }
        func floats(_ t: SafeTensor) throws(PEFTAdapterError) -> [Float] {
            do { return try t.floats() } catch { throw fail(.safeTensors(error)) }
        }
        var halves: [LoRAPlacement: (a: SafeTensor?, b: SafeTensor?)] = [:]
        var replacements: [ReplacedModule: ReplacementMatrix] = [:]
        var replacementNames: [ReplacedModule: String] = [:]
        for name in file.tensorNames {
            guard let parsed = LoRATensorName(name), let tensor = file.tensor(named: name) else { throw fail(.unplacedTensor(name)) }
            switch parsed.target {
            case .lora(let placement, let part):
                var pair = halves[placement] ?? (nil, nil)
                if let other = part == .a ? pair.a : pair.b { throw fail(.duplicatePlacement(tensor: name, other: other.name)) }
                if part == .a { pair.a = tensor } else { pair.b = tensor }
                halves[placement] = pair
            case .replacement(let module):
                if let other = replacementNames[module] { throw fail(.duplicatePlacement(tensor: name, other: other)) }
                guard tensor.shape.count == 2, tensor.shape[0] > 0, tensor.shape[1] > 0 else {
                    throw fail(.wrongShape(tensor: name, shape: tensor.shape, expected: "[vocabulary, hidden]"))
                }
                replacementNames[module] = name
                do { replacements[module] = try ReplacementMatrix(tensor) } catch { throw fail(.safeTensors(error)) }
            }
        }
        var matrices: [LoRAPlacement: LoRAMatrices] = [:]
        for (placement, pair) in halves {
            guard let a = pair.a, let b = pair.b else {
                let present = (pair.a ?? pair.b)!.name
                // Both names end in `.lora_A.weight` / `.lora_B.weight` (LoRATensorName).
                let missing = String(present.dropLast(".lora_A.weight".count)) + (pair.a == nil ? ".lora_A.weight" : ".lora_B.weight")
                throw fail(.missingHalf(tensor: present, missing: missing))
            }
            guard a.shape.count == 2, a.shape[0] == rank, a.shape[1] > 0 else {
                throw fail(.wrongShape(tensor: a.name, shape: a.shape, expected: "[\(rank), inputs] (r = \(rank) in adapter_config.json)"))
            }
            guard b.shape.count == 2, b.shape[1] == rank, b.shape[0] > 0 else {
                throw fail(.wrongShape(tensor: b.name, shape: b.shape, expected: "[outputs, \(rank)] (r = \(rank) in adapter_config.json)"))
            }
            matrices[placement] = LoRAMatrices(rank: rank, inputs: a.shape[1], outputs: b.shape[0], a: try floats(a), b: try floats(b))
        }
        guard !matrices.isEmpty || !replacements.isEmpty else { throw fail(.noMatrices) }
        return (matrices, replacements)
    }
}
