/// A small direct-mapped cache in front of `PieceTable.lookup`, for one encode call.
///
/// The merger looks up about two byte slices per input character, mostly the same few
/// thousand short strings ("th", "▁the", "ing", …) over and over, and most of them are
/// misses. The piece table is megabytes (every lookup a cache miss); this cache is
/// 128 KiB and keeps whole keys (slices of up to 16 bytes, stored inline and compared in
/// full), so a hit is exact and costs no trip to main memory. Longer slices bypass it.
/// Not thread-safe: each encode call owns one.
final class PieceLookupCache {
    private struct Entry {
        var key0: UInt64
        var key1: UInt64
        var id: Int32
        var score: Float
        /// Key length in bytes; 0 marks an empty entry (looked-up slices are never empty).
        var length: UInt32
    }

    private static let entryCount = 4096
    private let entries: UnsafeMutablePointer<Entry>
    private let table: PieceTable

    init(table: PieceTable) {
        self.table = table
        entries = .allocate(capacity: Self.entryCount)
        entries.initialize(repeating: Entry(key0: 0, key1: 0, id: -1, score: 0, length: 0), count: Self.entryCount)
    }

    deinit { entries.deallocate() }

    /// The id and score of the piece with exactly these bytes; id -1 when there is none.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> (id: Int32, score: Float) {
        guard n <= 16 else { return table.lookup(p, n) }
        var key: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &key) { $0.baseAddress!.copyMemory(from: p, byteCount: n) }
        var h = key.0 &* 0x9E37_79B9_7F4A_7C15
        h ^= (key.1 &+ UInt64(n)) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= h >> 29
        let index = Int(truncatingIfNeeded: h >> 20) & (Self.entryCount - 1)
        let entry = entries[index]
        if entry.length == UInt32(n) && entry.key0 == key.0 && entry.key1 == key.1 {
            return (entry.id, entry.score)
        }
        let found = table.lookup(p, n)
        entries[index] = Entry(key0: key.0, key1: key.1, id: found.id, score: found.score, length: UInt32(n))
        return found
    }
}
