import Foundation
import Gemma
import Support
import VisionPreprocessing
import Workstation

/// The image rows of training examples: each picture through the frozen vision tower once.
///
/// A picture named by several examples (or by the training and the held-out file) is encoded
/// once and its rows shared; with the disk embedding cache behind it, a second run — a
/// `--resume`, another learning rate — reads them instead of encoding again, and `ask` and
/// the workstation find them too (the same keys). The tower and the mmproj load on the first
/// image, so a text-only data file never needs one. Images are prepared as `ask --image`
/// prepares them (the file's window, no pan-and-scan) at the model's precision: the adapter
/// learns from the rows it will be shown.
final class TrainingImages {
    private let mmproj: () throws -> String
    private let model: GemmaModel
    private let cache: EmbeddingCache?
    private var provider: VisionEmbeddingProvider?
    private var rows: [String: (rows: [Float], count: Int)] = [:]
    /// Pictures resolved so far (for the progress line and the summary).
    private(set) var count = 0
    /// The mmproj, once an image needed it (a checkpoint's run identity names it).
    private(set) var mmprojPath: String?

    /// `mmproj`: finds the vision part when the first image needs it (a one-line failure
    /// when there is none).
    init(model: GemmaModel, cache: EmbeddingCache?, mmproj: @escaping () throws -> String) {
        self.model = model
        self.cache = cache
        self.mmproj = mmproj
    }

    /// How many were encoded now rather than read from the disk cache.
    var encoded: Int { provider?.encodeCount ?? 0 }

    /// The rows of the picture at `path` (`ChatExampleEncoder.imageRows`).
    func rows(_ path: String) throws -> (rows: [Float], count: Int) {
        if let known = rows[path] { return known }
        let provider = try self.provider ?? open()
        self.provider = provider
        let request = ImageQuestion.Request(path: path, window: nil, ctWindows: false, crops: 0, saveModelInput: nil)
        let attachment = try ImageQuestion.attachment(request, modelImageSize: provider.pipeline.encoder.config.imageSize)
        count += 1
        if Console.errIsTerminal { Console.err("\r\u{1B}[Kimage \(count): \((path as NSString).lastPathComponent)") }
        let embedding: ImageEmbedding
        do { embedding = try provider.embedding(for: attachment, progress: { _ in }) } catch { throw CommandFailure("\(path): \(error)") }
        let result = (embedding.rows, embedding.tokenCount)
        rows[path] = result
        return result
    }

    private func open() throws -> VisionEmbeddingProvider {
        let path = try mmproj()
        mmprojPath = path
        let encoder: VisionEncoder
        do { encoder = try VisionEncoder(path: path, for: model) } catch {
            let text = "\(error)"
            throw CommandFailure(text.hasPrefix(path) ? text : "\(path): \(text)")
        }
        return VisionEmbeddingProvider(pipeline: VisionPipeline(encoder: encoder, panAndScan: nil), cache: cache)
    }
}
