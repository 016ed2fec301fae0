/// SentencePiece-style ("SPM") encoding of one raw text fragment, with exactly the result
/// of llama.cpp's SPM tokenizer (ENGINE.md §5.2 S3–S6):
///
/// - every space becomes "▁" (U+2581); optionally a "▁" is put in front (add_space_prefix);
/// - the fragment is cut into UTF-8 sequences (the length comes from the lead byte alone,
///   so malformed input is cut the same way llama.cpp cuts it);
/// - every adjacent pair whose concatenation is a vocabulary piece goes into a max-queue
///   keyed by that piece's score (ties: leftmost pair first); the best pair is merged,
///   stale entries (a side already merged away, or a size that no longer matches) are
///   skipped, and the new neighbours are queued, until the queue is empty;
/// - each final symbol is emitted as its piece id; a symbol that is not a piece (only an
///   unmerged single character can be one — every merge produces a piece, so llama.cpp's
///   "resegment the recorded merge" step never finds anything to split) is emitted as one
///   byte-fallback token `<0xXX>` per byte.
///
/// Works on raw bytes and pointers only; the scratch buffers and the lookup cache
/// (`PieceLookupCache`) are reused across fragments.
/// One merger per encode call (not thread-safe; cheap to create).
final class SentencePieceMerger {
    private struct Symbol {
        var start: Int32
        var length: Int32
        var prev: Int32
        var next: Int32
        /// The piece id once known (set when the symbol is the result of a merge), else -1.
        var token: Int32
    }

    private struct Bigram {
        var score: Float
        var left: Int32
        var right: Int32
        var size: Int32
        var token: Int32

        /// Pops first: higher score, then the smaller left index (llama.cpp's comparator).
        @inline(__always)
        func precedes(_ other: Bigram) -> Bool {
            score > other.score || (score == other.score && left < other.left)
        }
    }

    private let pieces: PieceTable
    private let boundaries: SpaceBoundaries?
    private let cache: PieceLookupCache
    private let byteTokens: UnsafeBufferPointer<Int32>
    private var text: [UInt8] = []
    private var symbols: [Symbol] = []
    private var heap: [Bigram] = []

    /// `byteTokens` (256 ids, one per byte value) must stay valid for the merger's lifetime.
    /// `boundaries` (nil: never cut) says where a fragment may be cut into independent parts.
    init(pieces: PieceTable, boundaries: SpaceBoundaries?, byteTokens: UnsafeBufferPointer<Int32>) {
        self.pieces = pieces
        self.boundaries = boundaries
        cache = PieceLookupCache(table: pieces)
        self.byteTokens = byteTokens
    }

    /// Appends the ids for one raw (not yet escaped) fragment to `output`.
    func encode(_ raw: UnsafeBufferPointer<UInt8>, spacePrefix: Bool, into output: inout [Int32]) {
        // S3: escape spaces.
        text.removeAll(keepingCapacity: true)
        text.reserveCapacity(raw.count + raw.count / 2 + 3)
        if spacePrefix { text.append(contentsOf: [0xE2, 0x96, 0x81]) }
        for byte in raw {
            if byte == 0x20 {
                text.append(0xE2); text.append(0x96); text.append(0x81)
            } else {
                text.append(byte)
            }
        }
        let n = text.count
        guard n > 0 else { return }
        if symbols.count < n {
            symbols = [Symbol](repeating: Symbol(start: 0, length: 0, prev: 0, next: 0, token: 0), count: n)
        }
        // Pushes: n - 1 seeds plus at most 2 per merge (at most n - 1 merges).
        if heap.count < 3 * n {
            heap = [Bigram](repeating: Bigram(score: 0, left: 0, right: 0, size: 0, token: 0), count: 3 * n)
        }
        text.withUnsafeBufferPointer { t in
            symbols.withUnsafeMutableBufferPointer { s in
                heap.withUnsafeMutableBufferPointer { h in
                    merge(t.baseAddress!, n, s.baseAddress!, h.baseAddress!, &output)
                }
            }
        }
    }

    /// Byte length of the UTF-8 sequence that starts with `lead` (llama.cpp's
    /// `unicode_len_utf8`: continuation and invalid bytes count as 1, 0xF8… as 4).
    @inline(__always)
    private static func sequenceLength(_ lead: UInt8) -> Int {
        if lead < 0xC0 { return 1 }
        if lead < 0xE0 { return 2 }
        if lead < 0xF0 { return 3 }
        return 4
    }

    private func merge(_ t: UnsafePointer<UInt8>, _ n: Int,
                       _ s: UnsafeMutablePointer<Symbol>, _ h: UnsafeMutablePointer<Bigram>,
                       _ output: inout [Int32]) {
        // S4: one symbol per UTF-8 sequence.
        var count = 0
        var offset = 0
        while offset < n {
            let length = min(Self.sequenceLength(t[offset]), n - offset)
            s[count] = Symbol(start: Int32(offset), length: Int32(length), prev: Int32(count - 1),
                              next: offset + length == n ? -1 : Int32(count + 1), token: -1)
            offset += length
            count += 1
        }

        // Independent segments: a merge never crosses the start of a "▁" symbol unless
        // some piece has "▁" after its first byte and occurs there (see `SpaceBoundaries`),
        // so the fragment is cut before each other "▁". Same result, small heaps.
        var work = Work(t: t, s: s, h: h, cache: cache, byteTokens: byteTokens)
        var segmentStart = 0
        if let boundaries {
            for i in 1..<max(count, 1) {
                let start = Int(s[i].start)
                if s[i].length == 3 && t[start] == 0xE2 && t[start + 1] == 0x96 && t[start + 2] == 0x81
                    && !boundaries.isCrossed(at: start, in: t, count: n) {
                    work.run(segmentStart, i, &output)
                    segmentStart = i
                }
            }
        }
        work.run(segmentStart, count, &output)
    }

    /// The merge of one segment, with all state in a local value (so that every access is
    /// checked statically: no captured variables, no class properties in the loop).
    private struct Work {
        let t: UnsafePointer<UInt8>
        let s: UnsafeMutablePointer<Symbol>
        /// A 4-ary max-heap (shallower than a binary heap; a node's children share cache lines).
        let h: UnsafeMutablePointer<Bigram>
        let cache: PieceLookupCache
        let byteTokens: UnsafeBufferPointer<Int32>
        var heapCount = 0

        init(t: UnsafePointer<UInt8>, s: UnsafeMutablePointer<Symbol>, h: UnsafeMutablePointer<Bigram>,
             cache: PieceLookupCache, byteTokens: UnsafeBufferPointer<Int32>) {
            self.t = t
            self.s = s
            self.h = h
            self.cache = cache
            self.byteTokens = byteTokens
        }

        @inline(__always)
        mutating func push(_ item: Bigram) {
            var i = heapCount
            heapCount += 1
            while i > 0 {
                let parent = (i - 1) >> 2
                if !item.precedes(h[parent]) { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = item
        }

        @inline(__always)
        mutating func pop() -> Bigram {
            let top = h[0]
            heapCount -= 1
            if heapCount > 0 {
                let last = h[heapCount]
                var i = 0
                while true {
                    let first = 4 * i + 1
                    if first >= heapCount { break }
                    var best = first
                    let end = min(first + 4, heapCount)
                    var c = first + 1
                    while c < end {
                        if h[c].precedes(h[best]) { best = c }
                        c += 1
                    }
                    if !h[best].precedes(last) { break }
                    h[i] = h[best]
                    i = best
                }
                h[i] = last
            }
            return top
        }

        /// Queues the pair (left, right) when their concatenation is a piece.
        @inline(__always)
        mutating func tryAdd(_ left: Int32, _ right: Int32) {
            if left < 0 || right < 0 { return }
            let size = Int(s[Int(left)].length + s[Int(right)].length)
            let (token, score) = cache.lookup(t + Int(s[Int(left)].start), size)
            if token < 0 { return }
            push(Bigram(score: score, left: left, right: right, size: Int32(size), token: token))
        }

        /// S5 and S6 for the symbols [first, end): merge inside them, then emit them.
        mutating func run(_ first: Int, _ end: Int, _ output: inout [Int32]) {
            s[first].prev = -1
            s[end - 1].next = -1
            heapCount = 0
            if end - first > 1 {
                for i in (first + 1)..<end { tryAdd(Int32(i - 1), Int32(i)) }
            }
            while heapCount > 0 {
                let bigram = pop()
                let l = Int(bigram.left), r = Int(bigram.right)
                let leftLength = s[l].length, rightLength = s[r].length
                if leftLength == 0 || rightLength == 0 || leftLength + rightLength != bigram.size { continue }
                s[l].length = leftLength + rightLength
                s[l].token = bigram.token
                s[r].length = 0
                let after = s[r].next
                s[l].next = after
                if after >= 0 { s[Int(after)].prev = bigram.left }
                tryAdd(s[l].prev, bigram.left)
                tryAdd(bigram.left, after)
            }
            // S6: emit pieces, or bytes for characters outside the vocabulary.
            var i = Int32(first)
            while i != -1 {
                let symbol = s[Int(i)]
                var token = symbol.token
                if token < 0 { token = cache.lookup(t + Int(symbol.start), Int(symbol.length)).id }
                if token >= 0 {
                    output.append(token)
                } else {
                    for k in 0..<Int(symbol.length) {
                        output.append(byteTokens[Int(t[Int(symbol.start) + k])])
                    }
                }
                i = symbol.next
            }
        }
    }
}
