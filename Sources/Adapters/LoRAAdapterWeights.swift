/// A LoRA adapter read into plain values, independent of the file format it came from
/// (a PEFT folder through `PEFTAdapter`, and later a llama.cpp GGUF LoRA): what the model
/// side needs to apply it, and what a report needs to name it.
public struct LoRAAdapterWeights: Sendable {
    /// A short name for status lines (the folder's or file's last path component).
    public let name: String
    /// The weights file read (`…/adapter_model.safetensors`, or a `.gguf`).
    public let source: String
    /// Hex sha256 of the weights file, for report stamps.
    public let sha256: String
    /// The rank every matrix has (PEFT's `r`).
    public let rank: Int
    /// `lora_alpha`.
    public let alpha: Float
    /// Rank-stabilised LoRA: the update is scaled by alpha/√r instead of alpha/r.
    public let rsLoRA: Bool
    /// The factor on every B·A: alpha/r, or alpha/√r with `rsLoRA`.
    public let scale: Float
    public let matrices: [LoRAPlacement: LoRAMatrices]
    /// Whole weights the adapter replaces (PEFT `modules_to_save`).
    public let replacements: [ReplacedModule: ReplacementMatrix]

    public init(name: String, source: String, sha256: String, rank: Int, alpha: Float, rsLoRA: Bool,
                matrices: [LoRAPlacement: LoRAMatrices], replacements: [ReplacedModule: ReplacementMatrix] = [:]) {
        self.name = name
        self.source = source
        self.sha256 = sha256
        self.rank = rank
        self.alpha = alpha
        self.rsLoRA = rsLoRA
        self.scale = Self.scale(alpha: alpha, rank: rank, rsLoRA: rsLoRA)
        self.matrices = matrices
        self.replacements = replacements
    }

    /// PEFT's `scaling`: alpha / r, or alpha / √r for rsLoRA (`LoraLayer.update_layer`).
    public static func scale(alpha: Float, rank: Int, rsLoRA: Bool) -> Float {
        rsLoRA ? alpha / Float(rank).squareRoot() : alpha / Float(rank)
    }
}
