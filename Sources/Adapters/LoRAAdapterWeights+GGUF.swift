import GGUF

extension LoRAAdapterWeights {
    /// A llama.cpp GGUF LoRA as plain matrices. llama.cpp scales each update by
    /// alpha / rank, and by 1 when the file's alpha is 0 (`build_lora_mm`): such a file is
    /// read as alpha = rank. Every matrix must have the same rank (what PEFT writes and
    /// `convert_lora_to_gguf.py` keeps); a file that mixes ranks is refused in one line.
    public init(gguf lora: GGUFLoRAFile, name: String, sha256: String) throws(GGUFError) {
        let rank = lora.pairs[0].rank
        if let other = lora.pairs.first(where: { $0.rank != rank }) {
            throw GGUFError(file: lora.path, .invalidValue(key: "blk.\(other.layer).\(other.projection).weight.lora_a",
                                                         reason: "rank \(other.rank) where the others have \(rank); adapters with mixed ranks are not read"))
        }
        var matrices: [LoRAPlacement: LoRAMatrices] = [:]
        for pair in lora.pairs {
            guard let projection = TextProjection(ggufName: pair.projection) else {
                throw GGUFError(file: lora.path, .invalidValue(key: pair.projection, reason: "not a projection of a Gemma 3 decoder layer"))
            }
            matrices[.text(layer: pair.layer, projection: projection)] =
                LoRAMatrices(rank: pair.rank, inputs: pair.inputs, outputs: pair.outputs, a: pair.a, b: pair.b)
        }
        self.init(name: name, source: lora.path, sha256: sha256, rank: rank, alpha: lora.alpha == 0 ? Float(rank) : lora.alpha,
                  rsLoRA: false, matrices: matrices)
    }
}
