import Foundation
import GGUF

/// Whether a model file reads as a base (pretrained-only) model: no chat template of its
/// own and no "it" / "instruct" in its name, fine-tune tag or file name. Evaluations say so
/// plainly: a base model was never taught to answer questions, so its scores mean
/// something else than an instruction-tuned model's.
enum BaseModelNotice {
    static func line(for file: GGUFFile, path: String) -> String? {
        let meta = file.metadata
        if (try? meta.string("tokenizer.chat_template")) != nil { return nil }
        let names = [try? meta.string("general.name"), try? meta.string("general.finetune"),
                     (path as NSString).lastPathComponent].compactMap { $0?.lowercased() }
        let tuned = names.contains { name in
            name.contains("instruct") || name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains("it")
        }
        guard !tuned else { return nil }
        return "note: \((path as NSString).lastPathComponent) is a base model that was never instruction-tuned "
            + "(no chat template, no 'it' or 'instruct' in its name): it continues text; it was not taught to answer questions"
    }
}
