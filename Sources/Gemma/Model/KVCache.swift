/// Keys (after norm and RoPE) and values for every position processed so far, per layer,
/// in f32. Positions are absolute; RoPE is applied once when a key is stored.
///
/// Layout per layer: `[position][kvHead][headDim]`. Sized for the requested context; asking
/// for more is an error the caller reports (`ContextFullError`), never a crash.
public final class KVCache: @unchecked Sendable {
    public let capacity: Int
    public let layerCount: Int
    /// Floats per position per layer (kvHeads × headDim).
    public let rowLength: Int
    /// Number of positions filled (the next token goes at this position).
    public internal(set) var count = 0
    var keys: [UnsafeMutablePointer<Float>]
    var values: [UnsafeMutablePointer<Float>]

    public init(config: GemmaConfig, capacity: Int) {
        self.capacity = capacity
        self.layerCount = config.layerCount
        self.rowLength = config.kvHeadCount * config.headDim
        let n = capacity * rowLength
        keys = (0..<config.layerCount).map { _ in .allocate(capacity: n) }
        values = (0..<config.layerCount).map { _ in .allocate(capacity: n) }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// Forgets everything from `position` on (e.g. to regenerate a reply).
    public func truncate(to position: Int) {
        count = min(count, max(0, position))
    }

    /// Bytes held by the cache.
    public var byteCount: Int { 2 * layerCount * capacity * rowLength * MemoryLayout<Float>.size }
}

/// The prompt plus the reply would not fit in the context the cache was sized for.
public struct ContextFullError: Error, CustomStringConvertible {
    public let capacity: Int
    public let needed: Int
    public var description: String {
        "the context is full: \(needed) tokens needed, \(capacity) available (start a new chat or raise --ctx)"
    }
}
