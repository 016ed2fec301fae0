import Foundation
import Gemma

/// The in-process image encoder behind `LocalEngineBackend`: the vision pipeline, with the
/// embeddings of this session kept in memory by key so a picture is encoded once.
///
/// (Issue 6 adds the on-disk cache and background encoding on top of this.)
public final class VisionEmbeddingProvider: ImageEmbeddingProvider, @unchecked Sendable {
    public let pipeline: VisionPipeline
    private let lock = NSLock()
    private var memory: [String: ImageEmbedding] = [:]

    public init(pipeline: VisionPipeline) {
        self.pipeline = pipeline
    }

    public var visionModelName: String { (pipeline.encoder.file.path as NSString).lastPathComponent }

    public func embedding(for image: ImageAttachment, progress: @escaping (String) -> Void) throws -> ImageEmbedding {
        if let known = lock.withLock({ memory[image.key] }) { return known }
        let embedding = try pipeline.encode(image.picture, key: image.key) { done, total in
            if done < total { progress("encoding image\(total > 1 ? " \(done + 1)/\(total)" : "")…") }
        }
        lock.withLock { memory[image.key] = embedding }
        return embedding
    }
}
