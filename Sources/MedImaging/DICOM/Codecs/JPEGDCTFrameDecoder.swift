/// Decodes one sequential-DCT, Huffman-coded JPEG frame of one component, 8 or 12 bits
/// (T.81 processes 1, 2 and 4): used for 12-bit JPEG Extended, which libjpeg-turbo 2.1
/// cannot decode.
///
/// The samples are GDCM's and DCMTK's (both IJG libjpeg 6b): entropy decoding as jdhuff.c,
/// including its tolerance of a scan whose Ss/Se/Ah/Al are not 0/63/0/0 (pydicom's
/// `JPEG-lossy.dcm`), dequantisation and the islow IDCT (`JPEGIslowIDCT`). pydicom 3.0.2's
/// `pixel_array` gives other values: its GDCM plugin refuses 12-bit JPEG and its
/// pylibjpeg-libjpeg plugin (Thomas Richter's libjpeg) has another IDCT, off by a few counts
/// in some samples; see the README's codec section.
///
/// One component only (12-bit DICOM is monochrome); restart intervals (DRI/RSTn) are
/// honoured. The frame header must match the DICOM geometry before the frame is allocated.
/// Entropy-coded data that ends early is an error, not zero padding as in libjpeg.
enum JPEGDCTFrameDecoder {
    private static let label = "lossy JPEG"

    static func decode(_ frame: [UInt8], geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> PixelSamples {
        var segments = try JPEGSegmentWalker(bytes: frame, label: label, source: source)
        var component: JPEGDCTComponent?
        var idct: JPEGIslowIDCT?
        var quant = [[Int]?](repeating: nil, count: 4)
        var tables = [JPEGHuffmanTable?](repeating: nil, count: 8)
        var restartInterval = 0
        var plane: [UInt16] = []
        var scanned = false
        let paddedWidth = (geometry.columns + 7) / 8 * 8, paddedHeight = (geometry.rows + 7) / 8 * 8

        while let (marker, payload) = try segments.next() {
            switch marker {
            case 0xC0, 0xC1:
                guard component == nil else { throw .corrupt(source: source, detail: "\(label) has two frame headers") }
                let (parsed, precision) = try frameHeader(payload, geometry: geometry, source: source)
                component = parsed
                idct = JPEGIslowIDCT(precision: precision)
                plane = [UInt16](repeating: 0, count: paddedWidth * paddedHeight)
            case 0xC2, 0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                throw .unsupported(source: source, feature: "JPEG SOF\(marker - 0xC0) frame (only Huffman sequential DCT is decoded here)")
            case 0xC4:
                try JPEGHuffmanTable.define(payload, into: &tables, classes: 0...1, label: label, source: source)
            case 0xDB:
                try defineQuantisation(payload, into: &quant, source: source)
            case 0xDD:
                guard payload.count == 2 else { throw .corrupt(source: source, detail: "\(label) DRI segment of \(payload.count) bytes") }
                restartInterval = Int(payload[payload.startIndex]) << 8 | Int(payload[payload.startIndex + 1])
            case 0xDA:
                guard let component, let idct else {
                    throw .corrupt(source: source, detail: "\(label) has a scan before its frame header")
                }
                guard !scanned else { throw .corrupt(source: source, detail: "\(label) has a second scan for its one component") }
                let p = Array(payload)
                // Ss, Se, Ah and Al (p[3...5]) are not checked: libjpeg warns and decodes as sequential.
                guard p.count == 6, p[0] == 1, Int(p[1]) == component.id else {
                    throw .corrupt(source: source, detail: "\(label) scan header does not name the frame's one component")
                }
                let dcSlot = Int(p[2] >> 4), acSlot = 4 + Int(p[2] & 0x0F)
                guard dcSlot < 4, acSlot < 8, let dc = tables[dcSlot], let ac = tables[acSlot] else {
                    throw .corrupt(source: source, detail: "\(label) scan uses a Huffman table that is not defined")
                }
                guard let table = quant[component.quantSlot] else {
                    throw .corrupt(source: source, detail: "\(label) uses quantisation table \(component.quantSlot), which is not defined")
                }
                var reader = JPEGBitReader(bytes: frame, position: segments.position, source: source)
                let scan = JPEGDCTScan(dc: dc, ac: ac, quant: table, idct: idct)
                try scan.decode(&reader, into: &plane, blocksWide: paddedWidth / 8, blocksHigh: paddedHeight / 8,
                                restartInterval: restartInterval)
                segments.position = reader.position
                scanned = true
            case 0xC8, 0xCC, 0xDC, 0xDE, 0xDF:
                throw .unsupported(source: source, feature: "JPEG marker FF \(JPEGSegmentWalker.hex(marker)) "
                                   + "(arithmetic coding, DNL or hierarchical)")
            default:
                continue  // APPn, COM and others carry nothing the samples need.
            }
        }
        guard scanned else { throw .truncated(source: source, detail: "\(label) ends before its scan") }
        let fix = DICOMPixelDecoder.bitFixer(bitsStored: geometry.bitsStored, width: geometry.bitsAllocated, signed: geometry.isSigned)
        let columns = geometry.columns
        return plane.withUnsafeBufferPointer { values in
            geometry.samples { i in fix(Int(values[(i / columns) * paddedWidth + i % columns])) }
        }
    }

    /// SOF0/SOF1: precision 8 or 12, the DICOM geometry's size, one component.
    private static func frameHeader(_ payload: ArraySlice<UInt8>, geometry: DICOMFrameGeometry,
                                    source: String) throws(DICOMError) -> (JPEGDCTComponent, Int) {
        let p = Array(payload)
        guard p.count >= 6, p.count == 6 + 3 * Int(p[5]) else {
            throw .corrupt(source: source, detail: "\(label) header of \(p.count) bytes")
        }
        let precision = Int(p[0]), rows = Int(p[1]) << 8 | Int(p[2]), columns = Int(p[3]) << 8 | Int(p[4]), count = Int(p[5])
        guard rows > 0 else { throw .unsupported(source: source, feature: "JPEG with the height in a DNL marker") }
        guard columns == geometry.columns, rows == geometry.rows, count == geometry.samplesPerPixel,
              precision == 8 || precision == 12, precision <= geometry.bitsAllocated else {
            throw .corrupt(source: source, detail: "\(label) is \(columns)×\(rows), \(count) component(s) of \(precision) bits, "
                           + "the data set says \(geometry.summary)")
        }
        guard count == 1 else {
            throw .unsupported(source: source, feature: "\(precision)-bit lossy JPEG with \(count) components")
        }
        let slot = Int(p[8])
        guard slot < 4 else { throw .corrupt(source: source, detail: "\(label) names quantisation table \(slot) (at most 3)") }
        return (JPEGDCTComponent(id: Int(p[6]), quantSlot: slot), precision)
    }

    /// One DQT segment, possibly several tables of 8- or 16-bit values, stored in natural order.
    private static func defineQuantisation(_ payload: ArraySlice<UInt8>, into tables: inout [[Int]?],
                                           source: String) throws(DICOMError) {
        var at = payload.startIndex
        while at < payload.endIndex {
            let wide = payload[at] >> 4, slot = Int(payload[at] & 0x0F)
            let size = wide == 0 ? 64 : 128
            guard wide <= 1, slot < 4, at + 1 + size <= payload.endIndex else {
                throw .corrupt(source: source, detail: "\(label) has a bad quantisation table segment")
            }
            var table = [Int](repeating: 0, count: 64)
            for k in 0..<64 {
                let value = wide == 0 ? Int(payload[at + 1 + k]) : Int(payload[at + 1 + 2 * k]) << 8 | Int(payload[at + 2 + 2 * k])
                table[JPEGDCTScan.naturalOrder[k]] = value
            }
            tables[slot] = table
            at += 1 + size
        }
    }
}
