import Kernels

/// Keys (after norm and RoPE, T5–T6) and values of the positions the attention may still
/// read, per layer. Positions are absolute; RoPE is applied once, before a key is stored.
///
/// **Element type.** `.f16` by default, as llama.cpp stores its cache (its default, and the
/// setting its oracle logits in Tests/Fixtures were made with): half the memory and half the
/// bytes each decode step reads. Keys are rounded once, after norm and RoPE; the attention
/// widens them again with F16C. `.f32` for `.reference` precision (`--precision exact`), so
/// the reference path rounds nothing it does not have to.
///
/// **Sliding windows.** A local layer's query at p reads only positions `p − window + 1 … p`
/// (M2), so those layers keep a ring of `window + batchSize` rows — position p in slot
/// `p % ringSlots` — enough for a whole batch's new rows plus the window before its first
/// query; the attention's results are bit for bit those of a cache that keeps everything. Global layers keep every position up to `capacity`. On the 4B model (34 layers,
/// 4 KV heads × 256, window 1024) a 32k context takes ≈ 0.8 GB in f16 instead of 4.3 GB.
///
/// **Going back.** `truncate(to:)` may only keep positions the rings still serve: a ring has
/// overwritten positions more than `ringSlots` behind the newest one ever written, and a
/// query at p needs the window before it. When that is gone the cache empties itself and
/// says so (returns 0), and the caller runs the prompt again from the start.
///
/// Layout per layer: `[slot][kvHead][headDim]`. Asking for more than `capacity` positions is
/// an error the caller reports (`ContextFullError`), never a crash.
public final class KVCache: @unchecked Sendable {
    public enum Storage: Sendable { case f16, f32 }

    public let capacity: Int
    public let storage: Storage
    public let layerCount: Int
    /// Values per position per layer (kvHeads × headDim).
    public let rowLength: Int
    /// Number of positions filled (the next token goes at this position).
    public internal(set) var count = 0
    /// The sliding window of the local layers, when they keep only their window.
    public let window: Int?
    /// Rows a local layer's ring holds (`capacity` when there is no ring).
    public private(set) var ringSlots: Int
    /// The oldest position every ring still holds; earlier ones were overwritten.
    private(set) var oldestHeld = 0
    private let isRing: [Bool]
    private var keys: [UnsafeMutableRawPointer]
    private var values: [UnsafeMutableRawPointer]

    /// - Parameters:
    ///   - batchSize: the largest batch expected (prefill batches, one image); a larger one
    ///     grows the rings when it comes.
    ///   - windowed: false keeps every position on every layer (for comparisons).
    public init(config: GemmaConfig, capacity: Int, storage: Storage = .f16, batchSize: Int = 512, windowed: Bool = true) {
        self.capacity = capacity
        self.storage = storage
        layerCount = config.layerCount
        rowLength = config.kvHeadCount * config.headDim
        let w = config.slidingWindow, ringSize = Self.ringSize(window: w, batch: batchSize)
        let ring = windowed && w > 0 && ringSize < capacity
        window = ring ? w : nil
        ringSlots = ring ? ringSize : capacity
        isRing = (0..<config.layerCount).map { ring && !config.isGlobal(layer: $0) }
        keys = []
        values = []
        for l in 0..<layerCount {
            keys.append(allocateRows(slots(layer: l)))
            values.append(allocateRows(slots(layer: l)))
        }
    }

    /// The window plus a batch, rounded up to whole pieces of the attention's products once
    /// past one piece (`AttentionTuning.keyPieceRows`): then the ring wraps only where a
    /// piece ends, and gives exactly the results of a cache that keeps every position.
    static func ringSize(window: Int, batch: Int) -> Int {
        let size = window + max(1, batch), piece = AttentionTuning.keyPieceRows
        return size > piece ? (size + piece - 1) / piece * piece : size
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    private var elementSize: Int { storage == .f16 ? 2 : 4 }

    /// Allocated, not touched: the pages of a long context's rows are committed only when written.
    private func allocateRows(_ slots: Int) -> UnsafeMutableRawPointer {
        .allocate(byteCount: max(1, slots * rowLength * elementSize), alignment: 64)
    }

    /// Rows layer `l` holds: its ring, or every position.
    func slots(layer l: Int) -> Int { isRing[l] ? ringSlots : capacity }

    /// Bytes a cache made with these arguments will hold, without making it (memory
    /// planning before a model is loaded; the same arithmetic as `init`).
    public static func byteCount(config: GemmaConfig, capacity: Int, storage: Storage = .f16, batchSize: Int = 512,
                                 windowed: Bool = true) -> Int {
        let w = config.slidingWindow, ringSize = Self.ringSize(window: w, batch: batchSize)
        let ring = windowed && w > 0 && ringSize < capacity
        let rowBytes = config.kvHeadCount * config.headDim * (storage == .f16 ? 2 : 4)
        return (0..<config.layerCount).reduce(0) { total, layer in
            total + 2 * (ring && !config.isGlobal(layer: layer) ? ringSize : capacity) * rowBytes
        }
    }

    /// Bytes held by the cache.
    public var byteCount: Int {
        (0..<layerCount).reduce(0) { $0 + 2 * slots(layer: $1) * rowLength * elementSize }
    }

    /// Whether the next batch could start at `position`: its first query's window is still
    /// in the rings (and on every layer the positions before it are).
    func canResume(at position: Int) -> Bool {
        guard position > 0, position <= count else { return position == 0 }
        guard let window else { return true }
        return max(0, position - window + 1) >= oldestHeld
    }

    /// Forgets everything from `position` on (e.g. to regenerate a reply) and returns how many
    /// positions are kept: `position` (or `count`, if less), or 0 when the rings no longer
    /// hold the window before `position` — then the whole prompt must be run again.
    @discardableResult
    public func truncate(to position: Int) -> Int {
        let p = min(count, max(0, position))
        if canResume(at: p) {
            count = p
            // Going back to 0 is always possible and holds nothing: without this, the rows
            // written next would count as older than the oldest held, and the second batch
            // after a new case's context (a cut to 0 after a long conversation) trapped in
            // `reserve` — found by the soak test.
            oldestHeld = min(oldestHeld, count)
        } else {
            count = 0
            oldestHeld = 0
        }
        return count
    }

    /// Makes room for `rows` new positions from `count` on: throws when they pass `capacity`,
    /// grows the rings when the batch and the window before it would not fit.
    func reserve(rows n: Int) throws(ContextFullError) {
        guard count + n <= capacity else { throw ContextFullError(capacity: capacity, needed: count + n) }
        precondition(canResume(at: count), "KV cache: the window before position \(count) is gone")
        guard let window, window + n - 1 > ringSlots else { return }
        let grown = min(capacity, Self.ringSize(window: window, batch: n))
        for l in 0..<layerCount where isRing[l] {
            let newKeys = allocateRows(grown), newValues = allocateRows(grown)
            let rowBytes = rowLength * elementSize
            for p in oldestHeld..<count {
                let from = (p % ringSlots) * rowBytes, to = (p % grown) * rowBytes
                (newKeys + to).copyMemory(from: keys[l] + from, byteCount: rowBytes)
                (newValues + to).copyMemory(from: values[l] + from, byteCount: rowBytes)
            }
            keys[l].deallocate()
            values[l].deallocate()
            keys[l] = newKeys
            values[l] = newValues
        }
        ringSlots = grown
    }

    /// Writes the keys and values of `rows` positions from `start` on (f32, `rows × rowLength`
    /// each) into layer `l`, converted to the cache's element type.
    func store(layer l: Int, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, rows n: Int, at start: Int) {
        let slots = slots(layer: l)
        for i in 0..<n {
            let slot = (start + i) % slots
            switch storage {
            case .f16:
                floatsToHalves(k + i * rowLength, count: rowLength,
                               into: keys[l].assumingMemoryBound(to: UInt16.self) + slot * rowLength)
                floatsToHalves(v + i * rowLength, count: rowLength,
                               into: values[l].assumingMemoryBound(to: UInt16.self) + slot * rowLength)
            case .f32:
                (keys[l].assumingMemoryBound(to: Float.self) + slot * rowLength).update(from: k + i * rowLength, count: rowLength)
                (values[l].assumingMemoryBound(to: Float.self) + slot * rowLength).update(from: v + i * rowLength, count: rowLength)
            }
        }
    }

    /// Marks `rows` stored positions as filled (after every layer has stored them).
    func commit(rows n: Int) {
        count += n
        if window != nil { oldestHeld = max(oldestHeld, count - ringSlots) }
    }

    /// Layer `l`'s keys and values for the attention.
    func rows(layer l: Int) -> KeyValueRows {
        KeyValueRows(keys: UnsafeRawPointer(keys[l]), values: UnsafeRawPointer(values[l]), isHalf: storage == .f16,
                     stride: rowLength, slots: slots(layer: l))
    }
}

/// The prompt plus the reply would not fit in the context the cache was sized for.
public struct ContextFullError: Error, CustomStringConvertible {
    public let capacity: Int
    public let needed: Int

    public init(capacity: Int, needed: Int) {
        self.capacity = capacity
        self.needed = needed
    }
    public var description: String {
        "the context is full: \(needed) tokens needed, \(capacity) available (start a new chat or raise --ctx)"
    }
}
