/// One Huffman table of a lossless JPEG (a DHT table of class 0), decoding SSSS categories.
///
/// Built the way ITU-T T.81 Annex C and F.2.2.3 describe (MINCODE, MAXCODE, VALPTR), with
/// libjpeg's check that no code length is over-subscribed: a table whose counts make more
/// codes than the lengths allow is refused when it is defined, not when it is used.
struct JPEGLosslessHuffmanTable {
    private var minCode = [Int](repeating: 0, count: 17)
    /// -1 where no code has that length.
    private var maxCode = [Int](repeating: -1, count: 18)
    private var valuePointer = [Int](repeating: 0, count: 17)
    private let values: [UInt8]

    /// `counts`: the 16 BITS bytes; `values`: HUFFVAL. Nil when the lengths over-subscribe.
    init?(counts: [Int], values: [UInt8]) {
        guard counts.count == 16, counts.reduce(0, +) == values.count, values.count <= 256 else { return nil }
        self.values = values
        var code = 0, k = 0
        for length in 1...16 {
            let n = counts[length - 1]
            if n > 0 {
                valuePointer[length] = k
                minCode[length] = code
                code += n
                k += n
                maxCode[length] = code - 1
                // libjpeg's JERR_BAD_HUFF_TABLE: the codes of this length do not fit (or use all ones).
                guard code < (1 << length) else { return nil }
            }
            code <<= 1
        }
        maxCode[17] = Int.max
    }

    /// The next symbol (an SSSS category, 0…16); a code no table entry has, or a category
    /// above 16, is a damaged codestream.
    func decode(_ reader: inout JPEGLosslessBitReader) throws(DICOMError) -> Int {
        var code = try reader.bit()
        var length = 1
        while code > maxCode[length] {
            length += 1
            guard length <= 16 else {
                throw .corrupt(source: reader.source, detail: "lossless JPEG scan has a code no Huffman table entry has")
            }
            code = (code << 1) | (try reader.bit())
        }
        let symbol = Int(values[valuePointer[length] + code - minCode[length]])
        guard symbol <= 16 else {
            throw .corrupt(source: reader.source, detail: "lossless JPEG Huffman table gives difference category \(symbol) (at most 16)")
        }
        return symbol
    }
}
