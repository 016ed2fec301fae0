import Foundation
import Gemma
import Support
import Training

/// `finetune --modules-to-save lm_head,embed_tokens`: PEFT's `modules_to_save` (the MedGemma
/// notebook sets both), whole trained copies of the output matrix and the token embedding.
/// Opt-in on the CPU — each copy with its gradient and AdamW's moments takes 16 bytes per
/// value (2.7 GB each for Gemma 3's 262 144 × 640 on the 270M, 10.7 GB on the 4B) — and
/// refused up front when they would not fit in memory. The copies are saved whole, so the
/// result is a PEFT folder: llama.cpp's GGUF LoRA has no place for them.
enum ModulesToSaveOption {
    static let option = "--modules-to-save"
    static let names = ["lm_head", "embed_tokens"]

    /// The requested copies, in the notebook's order (empty: none).
    static func parse(_ args: ParsedArguments, command: String) throws -> [String] {
        guard let text = args[option] else { return [] }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for item in items where !names.contains(item) {
            throw UsageError(command: command, "\(option): '\(item)' is not one of lm_head, embed_tokens")
        }
        return names.filter(items.contains)
    }

    /// Adds the copies to `adapter`, after checking that they fit (a one-line failure
    /// naming what they need and what the machine has).
    static func apply(_ modules: [String], to adapter: inout TrainableAdapter, model: GemmaModel) throws {
        guard !modules.isEmpty else { return }
        let c = model.config
        let need = modules.count * TrainableMatrix.trainingBytes(rows: c.vocabularySize, columns: c.embeddingLength)
        let memory = ProcessInfo.processInfo.physicalMemory
        if UInt64(need) > memory / 2 {
            throw CommandFailure("\(option) \(modules.joined(separator: ",")): the trained copies need \(Format.bytes(need)) "
                                 + "(16 bytes per value), more than half of this machine's \(Format.bytes(Int(min(memory, UInt64(Int.max)))))")
        }
        if modules.contains("embed_tokens") { adapter.embedding = TrainableMatrix(copying: model.weights.tokenEmbedding) }
        if modules.contains("lm_head") { adapter.output = TrainableMatrix(copying: model.weights.outputProjection) }
        Console.err("training whole copies of \(modules.joined(separator: " and ")): \(Format.bytes(need))\n")
    }
}
