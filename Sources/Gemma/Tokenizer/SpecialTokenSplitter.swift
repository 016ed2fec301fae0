/// One special token found in the text: bytes `start ..< start + length` are token `id`.
struct SpecialMatch: Equatable, Sendable {
    let start: Int
    let length: Int
    let id: Int32
    var end: Int { start + length }
}

/// Finds the special tokens in raw text before any SentencePiece processing
/// (ENGINE.md §5.2 S1), with exactly llama.cpp's result:
///
/// llama.cpp takes the special tokens (CONTROL, USER_DEFINED, UNKNOWN) longest text first
/// and, for each in turn, splits every still-raw fragment at each leftmost non-overlapping
/// occurrence. Done literally that is (number of special tokens) × (text length) work:
/// ~6 400 scans of the whole text for Gemma. The same result comes from:
///
/// 1. one pass over the text with a byte trie of all special texts, noting which tokens
///    occur anywhere (usually a handful: newline runs, space runs, a few tags);
/// 2. for only those tokens, in llama.cpp's order, a left-to-right scan (over the
///    positions where a special token starts with the same byte) that accepts an
///    occurrence when none of its bytes is claimed by an earlier (longer) token and it does
///    not overlap the previous accepted occurrence of the same token — which is precisely
///    "leftmost non-overlapping occurrence inside a remaining raw fragment".
///
/// With `parseSpecial` off, CONTROL and UNKNOWN tokens are skipped; USER_DEFINED tokens are
/// still matched. No lstrip/rstrip attributes apply to Gemma tokens.
struct SpecialTokenSplitter: Sendable {
    /// Special token ids in the order llama.cpp tries them: longer text first; among equal
    /// lengths, lower id first (llama.cpp's sort is unstable there; equal-length Gemma
    /// special texts never overlap each other, so the order among them cannot matter).
    let ids: [Int32]
    /// Per rank: matched only when special tokens are parsed (CONTROL or UNKNOWN).
    private let needsParseSpecial: [Bool]
    /// Per rank: the token's bytes.
    private let texts: [[UInt8]]
    /// Trie over the special texts. Node 0 is the root; `rootChildren[b]` is its child for
    /// byte b (or -1); deeper edges are in `edges`, keyed by `node << 8 | byte`.
    private let rootChildren: [Int32]
    private let edges: [UInt64: Int32]
    /// Per trie node: the rank of the special token whose text ends there, or -1.
    private let terminalRank: [Int32]

    init(pieces: PieceTable, attributes: [TokenAttributes]) {
        var special: [Int32] = []
        for id in 0..<attributes.count where !attributes[id].isDisjoint(with: .matchedAsSpecial) {
            special.append(Int32(id))
        }
        special.sort { a, b in
            let la = pieces.length(Int(a)), lb = pieces.length(Int(b))
            return la != lb ? la > lb : a < b
        }
        ids = special
        needsParseSpecial = special.map { !attributes[Int($0)].isDisjoint(with: .specialOnly) }
        texts = special.map { pieces.bytes(Int($0)) }

        var root = [Int32](repeating: -1, count: 256)
        var edges: [UInt64: Int32] = [:]
        var terminal: [Int32] = [-1]
        for (rank, text) in texts.enumerated() where !text.isEmpty {
            var node: Int32 = 0
            for (depth, byte) in text.enumerated() {
                let next: Int32?
                if depth == 0 {
                    next = root[Int(byte)] >= 0 ? root[Int(byte)] : nil
                } else {
                    next = edges[UInt64(node) << 8 | UInt64(byte)]
                }
                if let next {
                    node = next
                } else {
                    let created = Int32(terminal.count)
                    terminal.append(-1)
                    if depth == 0 { root[Int(byte)] = created } else { edges[UInt64(node) << 8 | UInt64(byte)] = created }
                    node = created
                }
            }
            if terminal[Int(node)] < 0 { terminal[Int(node)] = Int32(rank) }
        }
        rootChildren = root
        self.edges = edges
        terminalRank = terminal
    }

    /// The special tokens in `text`, in text order, not overlapping.
    func matches(in text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [SpecialMatch] {
        let n = text.count
        guard n > 0, let base = text.baseAddress else { return [] }

        // 1. Which special tokens occur at all, and where each byte that can start one is
        //    (positions bucketed by that first byte, ascending).
        var present = [Bool](repeating: false, count: ids.count)
        var presentCount = 0
        var bucketOfByte = [Int](repeating: -1, count: 256)
        var buckets: [[Int]] = []
        rootChildren.withUnsafeBufferPointer { root in
            terminalRank.withUnsafeBufferPointer { terminal in
                needsParseSpecial.withUnsafeBufferPointer { needsSpecial in
                    for p in 0..<n {
                        let byte = Int(base[p])
                        var node = root[byte]
                        if node < 0 { continue }
                        var q = p + 1
                        var startsOne = false
                        while node >= 0 {
                            let rank = Int(terminal[Int(node)])
                            if rank >= 0 && (parseSpecial || !needsSpecial[rank]) {
                                startsOne = true
                                if !present[rank] {
                                    present[rank] = true
                                    presentCount += 1
                                }
                            }
                            if q >= n { break }
                            node = edges[UInt64(node) << 8 | UInt64(base[q])] ?? -1
                            q += 1
                        }
                        if startsOne {
                            if bucketOfByte[byte] < 0 {
                                bucketOfByte[byte] = buckets.count
                                buckets.append([])
                            }
                            buckets[bucketOfByte[byte]].append(p)
                        }
                    }
                }
            }
        }
        guard presentCount > 0 else { return [] }

        // 2. llama.cpp's order: each present token claims its leftmost free occurrences.
        var found: [SpecialMatch] = []
        var claimed = [Bool](repeating: false, count: n)
        claimed.withUnsafeMutableBufferPointer { claimed in
            for rank in 0..<ids.count where present[rank] {
                texts[rank].withUnsafeBufferPointer { token in
                    let length = token.count
                    buckets[bucketOfByte[Int(token[0])]].withUnsafeBufferPointer { starts in
                        var nextFree = 0 // end of this token's previous match
                        for p in starts {
                            if p < nextFree || claimed[p] { continue }
                            if p + length > n { break }
                            var k = 1
                            while k < length && base[p + k] == token[k] && !claimed[p + k] { k += 1 }
                            if k == length {
                                for i in p..<(p + length) { claimed[i] = true }
                                found.append(SpecialMatch(start: p, length: length, id: ids[rank]))
                                nextFree = p + length
                            }
                        }
                    }
                }
            }
        }
        found.sort { $0.start < $1.start }
        return found
    }
}
