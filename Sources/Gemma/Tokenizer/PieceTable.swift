/// Every vocabulary piece as raw bytes in one contiguous buffer, with an open-addressing
/// hash table from a byte slice to its token id and score.
///
/// This is the tokenizer's hot data structure: the merger looks up every candidate bigram
/// here, by pointer and length into the text being encoded, without creating a `String`
/// or an `Array` per lookup. The vocabulary (262 144 pieces) is far larger than the CPU
/// caches, so the layout is about cache misses: a small bit filter (256 KiB) answers most
/// misses without touching the table; a table slot (16 bytes) holds the hash, id, score
/// and the piece's position, so a hit costs the slot and the piece's bytes.
/// Immutable after `init`, so it is safe to share across threads.
final class PieceTable: @unchecked Sendable {
    /// Number of pieces (the vocabulary size).
    let count: Int
    /// Length in bytes of the longest piece; longer slices are never looked up.
    let maxLength: Int
    /// The first pair of ids found with identical bytes (the later one is not indexed).
    private(set) var duplicate: (first: Int, second: Int)?

    private struct Slot {
        var hash: UInt32
        /// Token id, or -1 for an empty slot.
        var id: Int32
        /// Offset in `storage` << 8 | length, when both fit (`packed`); else unused.
        var place: UInt32
        var score: Float
    }

    private let storage: UnsafeMutablePointer<UInt8>
    /// `offsets[i] ..< offsets[i + 1]` is piece i inside `storage`.
    private let offsets: UnsafeMutablePointer<Int32>
    private let slots: UnsafeMutablePointer<Slot>
    private let mask: Int
    /// One bit per hash value (modulo the filter size): set when some piece has it.
    private let filter: UnsafeMutablePointer<UInt64>
    private static let filterBits = 1 << 21
    /// Whether every piece's offset and length fit in `Slot.place` (pieces < 256 bytes,
    /// storage < 16 MiB: true for Gemma); otherwise `offsets` is used.
    private let packed: Bool

    /// Builds the table from the pieces' bytes, given as one concatenated buffer and the
    /// end offset of each piece, with their scores. A piece that repeats an earlier one is
    /// recorded in `duplicate` (llama.cpp refuses such a vocabulary; the caller decides).
    init(bytes: [UInt8], ends: [Int], scores: [Float]) {
        let n = ends.count
        count = n
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.initialize(from: base, count: src.count) }
        }
        self.storage = storage
        let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: n + 1)
        offsets[0] = 0
        var longest = 0
        var previous = 0
        for i in 0..<n {
            offsets[i + 1] = Int32(ends[i])
            longest = max(longest, ends[i] - previous)
            previous = ends[i]
        }
        self.offsets = offsets
        maxLength = longest
        packed = longest < 256 && bytes.count < (1 << 24)

        var capacity = 16
        while capacity < n * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, id: -1, place: 0, score: 0), count: capacity)
        filter = .allocate(capacity: Self.filterBits / 64)
        filter.initialize(repeating: 0, count: Self.filterBits / 64)

        insertion: for id in 0..<n {
            let start = Int(offsets[id])
            let length = Int(offsets[id + 1]) - start
            let hash = Self.hash(storage + start, length)
            var index = Int(hash) & mask
            while slots[index].id >= 0 {
                if matches(slots[index], hash, storage + start, length) {
                    if duplicate == nil { duplicate = (Int(slots[index].id), id) }
                    continue insertion
                }
                index = (index + 1) & mask
            }
            let place = packed ? UInt32(start) << 8 | UInt32(length) : 0
            slots[index] = Slot(hash: hash, id: Int32(id), place: place, score: id < scores.count ? scores[id] : 0)
            let bit = Self.filterIndex(hash)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    deinit {
        storage.deallocate()
        offsets.deallocate()
        slots.deallocate()
        filter.deallocate()
    }

    /// FNV-1a over the bytes, folded to 32 bits with a final avalanche.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        while i < n {
            h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01b3
            i += 1
        }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
    }

    /// Filter bit for a hash: its top bits (the table index uses the low ones).
    @inline(__always)
    private static func filterIndex(_ hash: UInt32) -> Int {
        Int(hash >> 11)
    }

    @inline(__always)
    private func matches(_ slot: Slot, _ hash: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard slot.hash == hash else { return false }
        let q: UnsafeMutablePointer<UInt8>
        if packed {
            guard Int(slot.place & 0xFF) == n else { return false }
            q = storage + Int(slot.place >> 8)
        } else {
            let id = Int(slot.id)
            guard Int(offsets[id + 1]) - Int(offsets[id]) == n else { return false }
            q = storage + Int(offsets[id])
        }
        var i = 0
        while i < n {
            if q[i] != p[i] { return false }
            i += 1
        }
        return true
    }

    /// The id and score of the piece with exactly these bytes; id -1 when there is none.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> (id: Int32, score: Float) {
        if n > maxLength { return (-1, 0) }
        let hash = Self.hash(p, n)
        let bit = Self.filterIndex(hash)
        if filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return (-1, 0) }
        var index = Int(hash) & mask
        while true {
            let slot = slots[index]
            if slot.id < 0 { return (-1, 0) }
            if matches(slot, hash, p, n) { return (slot.id, slot.score) }
            index = (index + 1) & mask
        }
    }

    /// The id of the piece with exactly these bytes, or -1.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        lookup(p, n).id
    }

    /// The id of the piece with these bytes, or -1.
    func find(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                // The empty piece: never stored (empty pieces are renamed at load), but look anyway.
                var zero: UInt8 = 0
                return find(&zero, 0)
            }
            return find(base, buffer.count)
        }
    }

    /// The id of the piece spelled by this string, or -1.
    func find(_ text: String) -> Int32 { find(Array(text.utf8)) }

    /// Length in bytes of piece `id`.
    @inline(__always)
    func length(_ id: Int) -> Int { Int(offsets[id + 1]) - Int(offsets[id]) }

    /// Pointer to the first byte of piece `id` (valid for the table's lifetime).
    @inline(__always)
    func start(_ id: Int) -> UnsafePointer<UInt8> { UnsafePointer(storage + Int(offsets[id])) }

    /// The bytes of piece `id`.
    func bytes(_ id: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: start(id), count: length(id)))
    }
}
