/// Where a fragment may be cut into parts that merge independently.
///
/// A merge only ever builds a vocabulary piece out of adjacent symbols. A symbol "▁" at
/// byte offset b can therefore end up inside a merged symbol that starts before b only if
/// some piece contains "▁" after its first byte *and* that piece's bytes occur in the text
/// at the matching place. Where no such piece occurs, no candidate pair ever spans b, the
/// two sides never interact, and encoding them separately (in order) gives exactly the
/// same ids as encoding the whole fragment — with a small heap per word instead of one
/// heap for a whole paragraph.
///
/// The Gemma 3 vocabulary has a single such piece (">▁</"). When a vocabulary has many,
/// `init` returns nil and fragments are not cut.
struct SpaceBoundaries: Sendable {
    /// Each piece with "▁" (E2 96 81) after its first byte, and every such byte offset.
    private let straddling: [(bytes: [UInt8], offsets: [Int])]
    static let maximumPieces = 64

    init?(pieces: PieceTable) {
        var found: [(bytes: [UInt8], offsets: [Int])] = []
        for id in 0..<pieces.count {
            let n = pieces.length(id)
            guard n >= 4 else { continue }
            let p = pieces.start(id)
            var offsets: [Int] = []
            var k = 1
            while k + 2 < n {
                if p[k] == 0xE2 && p[k + 1] == 0x96 && p[k + 2] == 0x81 { offsets.append(k) }
                k += 1
            }
            if !offsets.isEmpty {
                if found.count == Self.maximumPieces { return nil }
                found.append((pieces.bytes(id), offsets))
            }
        }
        straddling = found
    }

    /// Whether a piece could span the "▁" that starts at byte `b` of the `n` bytes at `t`.
    func isCrossed(at b: Int, in t: UnsafePointer<UInt8>, count n: Int) -> Bool {
        for (bytes, offsets) in straddling {
            for k in offsets {
                let start = b - k
                guard start >= 0, start + bytes.count <= n else { continue }
                var i = 0
                while i < bytes.count && t[start + i] == bytes[i] { i += 1 }
                if i == bytes.count { return true }
            }
        }
        return false
    }
}
