import Adapters
import GGUF

/// Writes a trained adapter as llama.cpp's GGUF LoRA (what `convert_lora_to_gguf.py` writes
/// and `GGUFLoRAFile` reads): `general.architecture` of the base, `general.type = adapter`,
/// `adapter.type = lora`, `adapter.lora.alpha`, and per projection `blk.N.<name>.weight.lora_a`
/// (ne `[in, r]`) and `.lora_b` (ne `[r, out]`) in F32 — so llama.cpp (`--lora`) and
/// Ollama (`ADAPTER`) load it too. Written as `PATH.partial` and renamed when complete.
public enum LoRAFileWriter {
    public static func write(_ adapter: TrainableAdapter, architecture: String, name: String, to path: String) throws(GGUFWriteError) {
        var tensors: [GGUFWriter.Tensor] = []
        var data: [[Float]] = []
        for (l, p) in adapter.orderedKeys {
            let pair = adapter.layers[l][p]!
            let base = "blk.\(l).\(p.ggufName).weight"
            tensors.append(GGUFWriter.Tensor(name: base + ".lora_a", shape: [pair.inputs, pair.rank], type: .f32))
            tensors.append(GGUFWriter.Tensor(name: base + ".lora_b", shape: [pair.rank, pair.outputs], type: .f32))
            data += [pair.a, pair.b]
        }
        let metadata: [(key: String, value: GGUFValue)] = [
            ("general.architecture", .string(architecture)),
            ("general.type", .string("adapter")),
            ("general.name", .string(name)),
            ("adapter.type", .string("lora")),
            ("adapter.lora.alpha", .float32(adapter.alpha)),
        ]
        try GGUFWriter.write(path: path, metadata: metadata, tensors: tensors, values: data)
    }
}
