/// The entropy-coded data of one single-component DCT scan (T.81 F.2.2, as IJG's jdhuff.c):
/// DC differences and AC run/size codes into each 8 × 8 block, then the inverse DCT into the
/// padded sample plane, block by block in raster order, with restart intervals.
struct JPEGDCTScan {
    let dc: JPEGHuffmanTable
    let ac: JPEGHuffmanTable
    /// Natural-order quantisation values.
    let quant: [Int]
    let idct: JPEGIslowIDCT

    /// Zigzag position k to natural (row-major) index, with IJG's 16 extra entries of 63 so
    /// a run past the end of a damaged block lands on the last coefficient, as in libjpeg.
    static let naturalOrder: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ] + [Int](repeating: 63, count: 16)

    func decode(_ reader: inout JPEGBitReader, into plane: inout [UInt16], blocksWide: Int, blocksHigh: Int,
                restartInterval: Int) throws(DICOMError) {
        let stride = blocksWide * 8, total = blocksWide * blocksHigh
        var predictor = 0, restarts = 0
        var coefficients = [Int](repeating: 0, count: 64)
        for block in 0..<total {
            if restartInterval > 0, block > 0, block % restartInterval == 0 {
                try reader.restart(index: restarts)
                restarts += 1
                predictor = 0
            }
            for k in 0..<64 { coefficients[k] = 0 }
            let category = try dc.symbol(&reader)
            guard category <= 16 else {
                throw .corrupt(source: reader.source, detail: "JPEG DC difference category \(category) (at most 16)")
            }
            predictor = predictor &+ (try Self.extended(&reader, category: category))
            // libjpeg keeps coefficients as 16-bit JCOEF.
            coefficients[0] = Int(Int16(truncatingIfNeeded: predictor))
            var k = 1
            while k < 64 {
                let symbol = try ac.symbol(&reader)
                let run = symbol >> 4, size = symbol & 15
                if size != 0 {
                    k += run
                    coefficients[Self.naturalOrder[k]] = Int(Int16(truncatingIfNeeded: try Self.extended(&reader, category: size)))
                } else {
                    if run != 15 { break }
                    k += 15
                }
                k += 1
            }
            let offset = (block / blocksWide) * 8 * stride + (block % blocksWide) * 8
            idct.transform(coefficients, quant: quant, into: &plane, offset: offset, stride: stride)
        }
        reader.skipToMarker()
    }

    /// `category` extra bits as a signed value (T.81 F.2.2.1, EXTEND).
    @inline(__always)
    private static func extended(_ reader: inout JPEGBitReader, category: Int) throws(DICOMError) -> Int {
        guard category > 0 else { return 0 }
        let bits = try reader.bits(category)
        return bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits
    }
}
