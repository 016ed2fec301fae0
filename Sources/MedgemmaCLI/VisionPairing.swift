import Gemma
import GGUF

/// Whether an `mmproj` found beside a model belongs to it. Model folders hold several
/// models' files (a 270M text model beside a 4B's vision part), so one found by looking
/// must fit before it is used: a Gemma 3 vision part whose projector outputs the text
/// model's embedding width. Only the two headers are read.
enum VisionPairing {
    /// Nil when `mmproj` fits `model`; otherwise why not, in a few words. A model or mmproj
    /// that cannot be read at all is left to the loader, which names the file and the problem.
    static func mismatch(mmproj: String, model: String) -> String? {
        guard let modelFile = try? GGUFFile(path: model), let config = try? GemmaConfig(file: modelFile) else { return nil }
        let vision: VisionConfig
        do throws(GGUFError) {
            vision = try VisionConfig(file: GGUFFile(path: mmproj))
        } catch {
            return "not a Gemma 3 vision part (\(error.problem.text))"
        }
        guard vision.projectionDim == config.embeddingLength else {
            return "its projector outputs \(vision.projectionDim)-wide embeddings, the model is \(config.embeddingLength) wide: a vision part for another model"
        }
        return nil
    }
}
