/// One Huffman table of a JPEG (a DHT table): SSSS categories for lossless JPEG (class 0),
/// DC categories and AC run/size bytes for the DCT decoder (classes 0 and 1).
///
/// Built the way ITU-T T.81 Annex C and F.2.2.3 describe (MINCODE, MAXCODE, VALPTR), with
/// libjpeg's check that no code length is over-subscribed: a table whose counts make more
/// codes than the lengths allow is refused when it is defined, not when it is used.
struct JPEGHuffmanTable {
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
    func decode(_ reader: inout JPEGBitReader) throws(DICOMError) -> Int {
        let symbol = try self.symbol(&reader)
        guard symbol <= 16 else {
            throw .corrupt(source: reader.source, detail: "lossless JPEG Huffman table gives difference category \(symbol) (at most 16)")
        }
        return symbol
    }

    /// The next symbol, whatever its value; a code no table entry has is a damaged codestream.
    func symbol(_ reader: inout JPEGBitReader) throws(DICOMError) -> Int {
        var code = try reader.bit()
        var length = 1
        while code > maxCode[length] {
            length += 1
            guard length <= 16 else {
                throw .corrupt(source: reader.source, detail: "lossless JPEG scan has a code no Huffman table entry has")
            }
            code = (code << 1) | (try reader.bit())
        }
        return Int(values[valuePointer[length] + code - minCode[length]])
    }

    /// Reads one DHT segment, possibly holding several tables, into `tables` at index
    /// class × 4 + slot; a class outside `classes`, a slot above 3 or over-subscribed lengths
    /// is a damaged codestream (`label` names the codec in the message).
    static func define(_ payload: ArraySlice<UInt8>, into tables: inout [JPEGHuffmanTable?], classes: ClosedRange<Int>,
                       label: String, source: String) throws(DICOMError) {
        var at = payload.startIndex
        while at < payload.endIndex {
            guard at + 17 <= payload.endIndex else { throw .corrupt(source: source, detail: "\(label) DHT segment is cut short") }
            let tableClass = Int(payload[at] >> 4), slot = Int(payload[at] & 0x0F)
            let counts = payload[(at + 1)..<(at + 17)].map { Int($0) }
            let total = counts.reduce(0, +)
            guard at + 17 + total <= payload.endIndex else { throw .corrupt(source: source, detail: "\(label) DHT segment is cut short") }
            guard classes.contains(tableClass), slot < 4, tableClass * 4 + slot < tables.count,
                  let table = JPEGHuffmanTable(counts: counts, values: Array(payload[(at + 17)..<(at + 17 + total)])) else {
                throw .corrupt(source: source, detail: "\(label) has a bad Huffman table (class \(tableClass), slot \(slot))")
            }
            tables[tableClass * 4 + slot] = table
            at += 17 + total
        }
    }
}
