/// Writes raw DEFLATE streams by hand (fixed Huffman codes, RFC 1951 3.2.6) for the tests:
/// one zero byte, then `matches` copies of (length 258, distance 1): 13 bits per 258 bytes.
enum DICOMDeflateBomb {
    static func zeros(matches: Int) -> [UInt8] {
        var writer = BitWriter()
        writer.bits(1, 1)           // BFINAL
        writer.bits(1, 2)           // BTYPE 01: fixed codes
        writer.code(0x30, 8)        // literal 0
        for _ in 0..<matches {
            writer.code(0xC5, 8)    // length symbol 285: 258, no extra bits
            writer.code(0, 5)       // distance symbol 0: 1
        }
        writer.code(0, 7)           // end of block (256)
        return writer.bytes
    }

    struct BitWriter {
        var bytes: [UInt8] = []
        private var used = 8

        /// `count` bits of `value`, least significant first (header fields, extra bits).
        mutating func bits(_ value: Int, _ count: Int) {
            for index in 0..<count { push((value >> index) & 1) }
        }

        /// A Huffman code, most significant bit first.
        mutating func code(_ value: Int, _ count: Int) {
            for index in stride(from: count - 1, through: 0, by: -1) { push((value >> index) & 1) }
        }

        private mutating func push(_ bit: Int) {
            if used == 8 { bytes.append(0); used = 0 }
            bytes[bytes.count - 1] |= UInt8(bit << used)
            used += 1
        }
    }
}
