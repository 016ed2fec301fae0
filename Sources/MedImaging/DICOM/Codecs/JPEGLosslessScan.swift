/// One SOS scan of a lossless JPEG: its components, predictor and point transform, and
/// the decoding of its differences into the frame (ITU-T T.81 Annex H).
///
/// Prediction follows H.1.2.1: the first sample of the scan, and of each restart interval,
/// is predicted by 2^(P−Pt−1); the rest of that first line by the sample to the left (Ra);
/// the first sample of every other line by the one above (Rb); all others by the selected
/// predictor 1…7. Reconstruction is modulo 2^16, as in the standard and libjpeg.
struct JPEGLosslessScan {
    /// Indices into the frame's components, in scan order.
    let components: [Int]
    let tables: [JPEGHuffmanTable]
    /// Ss: the predictor selection value, 1…7.
    let predictor: Int
    /// Al: the point transform (the low bits dropped before coding).
    let pointTransform: Int

    init(payload: ArraySlice<UInt8>, frame: JPEGLosslessFrameHeader, tables available: [JPEGHuffmanTable?],
         source: String) throws(DICOMError) {
        let p = Array(payload)
        guard p.count >= 1, p.count == 4 + 2 * Int(p[0]), p[0] >= 1 else {
            throw .corrupt(source: source, detail: "lossless JPEG SOS segment of \(p.count) bytes")
        }
        let count = Int(p[0])
        var components: [Int] = [], tables: [JPEGHuffmanTable] = []
        for k in 0..<count {
            guard let index = frame.componentIDs.firstIndex(of: Int(p[1 + 2 * k])), !components.contains(index) else {
                throw .corrupt(source: source, detail: "lossless JPEG scan names component \(p[1 + 2 * k]), unknown or twice")
            }
            let selector = Int(p[2 + 2 * k] >> 4)
            guard selector < available.count, let table = available[selector] else {
                throw .corrupt(source: source, detail: "lossless JPEG scan uses Huffman table \(selector), which is not defined")
            }
            components.append(index)
            tables.append(table)
        }
        let predictor = Int(p[1 + 2 * count]), pointTransform = Int(p[3 + 2 * count] & 0x0F)
        guard (1...7).contains(predictor) else {
            throw .corrupt(source: source, detail: "lossless JPEG predictor \(predictor) (must be 1…7)")
        }
        guard pointTransform < frame.precision else {
            throw .corrupt(source: source, detail: "lossless JPEG point transform \(pointTransform) for \(frame.precision)-bit samples")
        }
        self.components = components
        self.tables = tables
        self.predictor = predictor
        self.pointTransform = pointTransform
    }

    /// Decodes this scan's components into `raw` (interleaved, point-transformed values).
    func decode(_ reader: inout JPEGBitReader, into raw: inout [Int32], geometry: DICOMFrameGeometry,
                precision: Int, restartInterval: Int) throws(DICOMError) {
        let width = geometry.columns, height = geometry.rows, channels = geometry.samplesPerPixel
        let stride = width * channels
        let restarting = restartInterval > 0 && restartInterval < width * height
        guard !restarting || restartInterval % width == 0 else {
            throw .unsupported(source: reader.source, feature: "lossless JPEG restart interval \(restartInterval) that is not a whole number of rows")
        }
        let rowsPerInterval = restarting ? restartInterval / width : 0
        let initial = 1 << (precision - pointTransform - 1)
        var restarts = 0
        try raw.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<Int32>) throws(DICOMError) in
            for y in 0..<height {
                var firstLine = y == 0
                if rowsPerInterval > 0, y > 0, y % rowsPerInterval == 0 {
                    try reader.restart(index: restarts)
                    restarts += 1
                    firstLine = true
                }
                for x in 0..<width {
                    for k in 0..<components.count {
                        let i = y * stride + x * channels + components[k]
                        let prediction: Int
                        if firstLine {
                            prediction = x == 0 ? initial : Int(out[i - channels])
                        } else if x == 0 {
                            prediction = Int(out[i - stride])
                        } else {
                            let a = Int(out[i - channels]), b = Int(out[i - stride]), c = Int(out[i - stride - channels])
                            switch predictor {
                            case 1: prediction = a
                            case 2: prediction = b
                            case 3: prediction = c
                            case 4: prediction = a + b - c
                            case 5: prediction = a + ((b - c) >> 1)
                            case 6: prediction = b + ((a - c) >> 1)
                            default: prediction = (a + b) >> 1
                            }
                        }
                        let difference = try Self.difference(&reader, table: tables[k])
                        out[i] = Int32((prediction + difference) & 0xFFFF)
                    }
                }
            }
        }
        reader.skipToMarker()
    }

    /// One difference: its category SSSS from the table, then SSSS extra bits (none for 16,
    /// which means 32768), as in T.81 H.1.2.2 and Table H.2.
    @inline(__always)
    private static func difference(_ reader: inout JPEGBitReader, table: JPEGHuffmanTable) throws(DICOMError) -> Int {
        let category = try table.decode(&reader)
        switch category {
        case 0: return 0
        case 16: return 32768
        default:
            let bits = try reader.bits(category)
            return bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits
        }
    }
}
