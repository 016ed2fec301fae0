import Foundation
import Gemma
import Support

/// The in-process image encoder behind `LocalEngineBackend`: the vision pipeline, with
/// embeddings looked up in memory, then on disk (`EmbeddingCache`), and only then encoded
/// (and stored), so a picture is encoded once per machine rather than once per question.
///
/// A study's images can be encoded ahead of time by `background` (`prefetch`). The two
/// paths share one table of images in progress, so an image is never encoded twice at
/// once: a reply that needs the image the background is encoding waits for that result;
/// one that needs an image not yet started encodes it at once, and holds the background
/// back (between images) while it does.
public final class VisionEmbeddingProvider: ImageEmbeddingProvider, @unchecked Sendable {
    public let pipeline: VisionPipeline
    /// Nil: memory only (nothing is written to disk).
    public let cache: EmbeddingCache?
    private let hashes: FileHashCache
    private let condition = NSCondition()
    private var memory: [String: ImageEmbedding] = [:]
    /// Picture keys in `memory`, least recently stored first (MedGemma's rows are 2.6 MB an
    /// image; with the disk cache behind it, memory need only hold the images in play).
    private var memoryOrder: [String] = []
    private let memoryLimit: Int
    private var inFlight: Set<String> = []
    /// The mmproj's sha256, taken once (nil inside: it could not be read; no disk cache).
    private var mmprojHash: String??
    private var backgroundEncoder: BackgroundEncoder!

    private var encodes = 0
    private var hits = 0
    private var secondsPerImage: Double?
    /// Encodes run through the pipeline, and entries read from disk (tests, diagnostics).
    public var encodeCount: Int { condition.withLock { encodes } }
    public var diskHits: Int { condition.withLock { hits } }
    /// Seconds one picture (or one pan-and-scan crop) took through the tower in this
    /// process's latest encode; nil until one has been encoded. `ImageQuestionCost` uses
    /// it to say what a question with several pictures will cost before it is sent.
    public var measuredSecondsPerImage: Double? { condition.withLock { secondsPerImage } }

    /// What asking about `images` with `textTokens` of text will cost here. `hashing`: as
    /// for `isReady` (a command line that has not encoded yet hashes the mmproj, so the
    /// disk cache counts).
    public func cost(of images: [ImageAttachment], textTokens: Int, hashing: Bool = false) -> ImageQuestionCost {
        var pending = Set<String>()
        for image in images where !isReady(image, hashing: hashing) { pending.insert(image.key) }
        return ImageQuestionCost(images: images.count, toEncode: pending.count, secondsPerImage: measuredSecondsPerImage,
                                 tokensPerImage: pipeline.encoder.config.tokensPerImage, textTokens: textTokens)
    }
    /// Called just before the pipeline encodes an image, on the encoding thread (tests use
    /// it to hold an encode in progress). Set before any encoding starts.
    var willEncode: (@Sendable (ImageAttachment) -> Void)?

    /// `cache`: the on-disk cache (`EmbeddingCache()` for `~/.cache/medgemma/embeddings`),
    /// nil for memory only. `hashes`: where the mmproj's hash is remembered.
    /// `backgroundQoS`: the priority of ahead-of-time encoding. `memoryLimit`: embeddings
    /// kept in memory (without a disk cache, evicted ones are encoded again when needed).
    public init(pipeline: VisionPipeline, cache: EmbeddingCache? = nil, hashes: FileHashCache = .shared,
                backgroundQoS: DispatchQoS = .utility, memoryLimit: Int = 64) {
        self.pipeline = pipeline
        self.cache = cache
        self.hashes = hashes
        self.memoryLimit = max(1, memoryLimit)
        backgroundEncoder = BackgroundEncoder(qos: backgroundQoS) { [weak self] image, progress in
            guard let self else { return }
            _ = try self.resolve(image, progress: { _ in }, fraction: progress)
        }
    }

    /// Ahead-of-time encoding: `background.prefetch(attachments, labels:)` when a study
    /// opens, `cancelPending()` when another one does, `state` / `onChange` for the status bar.
    public var background: BackgroundEncoder { backgroundEncoder }

    public var visionModelName: String { (pipeline.encoder.file.path as NSString).lastPathComponent }

    /// For a reply: from memory or disk, or encoded now (at user priority; the background
    /// encoder starts no new image until this returns).
    public func embedding(for image: ImageAttachment, progress: @escaping (String) -> Void) throws -> ImageEmbedding {
        backgroundEncoder.pause()
        defer { backgroundEncoder.resume() }
        return try resolve(image, progress: progress, fraction: { _ in })
    }

    /// Applies `adapters`' vision-tower LoRA to what is encoded from now on (`:lora`): the
    /// background starts no new image, an image in progress finishes under the tower it
    /// started with, and then the tower changes. Embeddings in memory made under other
    /// updates are forgotten; on disk, each adapter set has its own keys, so the plain
    /// tower's entries stay good for when the adapter is off again.
    public func setAdapters(_ adapters: [ModelAdapter]) throws {
        backgroundEncoder.pause()
        defer { backgroundEncoder.resume() }
        condition.lock()
        defer { condition.unlock() }
        while !inFlight.isEmpty { condition.wait() }
        let before = pipeline.encoder.adapterFingerprint
        try pipeline.encoder.setAdapters(adapters)
        if pipeline.encoder.adapterFingerprint != before {
            memory = [:]
            memoryOrder = []
        }
    }

    /// Whether `image` is ready without encoding (in memory or on disk). Cheap enough for
    /// the UI thread: it neither reads the entry nor, unless `hashing`, hashes the mmproj
    /// (before the first embedding has hashed it, only memory counts then).
    public func isReady(_ image: ImageAttachment, hashing: Bool = false) -> Bool {
        if condition.withLock({ memory[image.key] }) != nil { return true }
        guard let cache, let key = cacheKey(for: image, hashing: hashing) else { return false }
        return FileManager.default.fileExists(atPath: cache.path(for: key))
    }

    /// Memory → (wait for the same image in progress) → disk → encode and store.
    private func resolve(_ image: ImageAttachment, progress: @escaping (String) -> Void,
                         fraction: @escaping (Double) -> Void) throws -> ImageEmbedding {
        condition.lock()
        var toldWaiting = false
        while true {
            if let known = memory[image.key] {
                remember(known, for: image.key)  // recently used
                condition.unlock()
                return known
            }
            guard inFlight.contains(image.key) else { break }
            if !toldWaiting {
                toldWaiting = true
                condition.unlock()
                progress("encoding image (started in the background)…")
                condition.lock()
                continue
            }
            condition.wait()
        }
        inFlight.insert(image.key)
        condition.unlock()

        var result: ImageEmbedding?
        defer {
            condition.lock()
            inFlight.remove(image.key)
            if let result { remember(result, for: image.key) }
            condition.broadcast()
            condition.unlock()
        }
        result = try load(image, progress: progress, fraction: fraction)
        return result!
    }

    /// With the lock held.
    private func remember(_ embedding: ImageEmbedding, for key: String) {
        if memory.updateValue(embedding, forKey: key) != nil { memoryOrder.removeAll { $0 == key } }
        memoryOrder.append(key)
        while memoryOrder.count > memoryLimit { memory[memoryOrder.removeFirst()] = nil }
    }

    /// Disk, else the encoder (then stored). Embeddings are named after the cache key, so a
    /// loaded entry and a fresh encode are the same image to a conversation's KV cache.
    private func load(_ image: ImageAttachment, progress: @escaping (String) -> Void,
                      fraction: @escaping (Double) -> Void) throws -> ImageEmbedding {
        let key = cacheKey(for: image)
        if let cache, let key {
            do {
                if let entry = try cache.load(key) {
                    condition.withLock { hits += 1 }
                    fraction(1)
                    return entry.embedding(named: key.digest)
                }
            } catch {
                // Damaged (and deleted by the cache) or unreadable: encode again.
                progress("cached embedding unusable (\(error)); encoding again…")
            }
        }
        willEncode?(image)
        let start = ContinuousClock.now
        let fresh = try pipeline.encode(image.picture, key: image.key) { done, total in
            fraction(Double(done) / Double(max(total, 1)))
            if done < total { progress("encoding image\(total > 1 ? " \(done + 1)/\(total)" : "")…") }
        }
        let seconds = Format.seconds(ContinuousClock.now - start)
        condition.withLock {
            encodes += 1
            secondsPerImage = seconds / Double(1 + fresh.crops.count)
        }
        guard let cache, let key else { return fresh }
        let entry = EmbeddingCacheEntry(fresh)
        // A cache that cannot be written costs a later re-encode, not this answer.
        try? cache.store(entry, for: key)
        return entry.embedding(named: key.digest)
    }

    /// The disk cache key, nil without a cache or when the mmproj cannot be hashed.
    private func cacheKey(for image: ImageAttachment, hashing: Bool = true) -> EmbeddingCacheKey? {
        guard cache != nil, let hash = hashing ? mmprojDigest() : condition.withLock({ mmprojHash ?? nil }) else { return nil }
        return try? EmbeddingCacheKey(image: image, pipeline: pipeline, mmprojHash: hash,
                                      adapters: pipeline.encoder.adapterFingerprint)
    }

    /// Hashed once per provider: the weights in memory are those of the file as it was at
    /// the first look, even if the file is replaced later.
    private func mmprojDigest() -> String? {
        if let known = condition.withLock({ mmprojHash }) { return known }
        let hash = try? hashes.sha256(ofFileAt: pipeline.encoder.file.path)
        return condition.withLock {
            if mmprojHash == nil { mmprojHash = .some(hash) }
            return mmprojHash!
        }
    }
}
