/// The SOF3 segment of a lossless JPEG (process 14): precision, size and components.
///
/// Checked against the Image Pixel module as it is parsed, before the decoder allocates the
/// frame, so a header claiming 65535 × 65535 or another component count stops here.
struct JPEGLosslessFrameHeader {
    /// P: 2…16 bits per sample.
    let precision: Int
    /// The component identifiers Ci, in frame order (the order of the interleaved output).
    let componentIDs: [Int]

    /// `payload`: the segment after its length field.
    init(payload: ArraySlice<UInt8>, geometry: DICOMFrameGeometry, source: String) throws(DICOMError) {
        let p = Array(payload)
        guard p.count >= 6 else { throw .corrupt(source: source, detail: "lossless JPEG SOF3 segment is \(p.count) bytes long") }
        let precision = Int(p[0]), rows = Int(p[1]) << 8 | Int(p[2]), columns = Int(p[3]) << 8 | Int(p[4])
        let count = Int(p[5])
        guard p.count == 6 + 3 * count else {
            throw .corrupt(source: source, detail: "lossless JPEG SOF3 segment of \(p.count) bytes for \(count) component(s)")
        }
        guard rows > 0 else {
            throw .unsupported(source: source, feature: "lossless JPEG with the height in a DNL marker")
        }
        guard columns == geometry.columns, rows == geometry.rows, count == geometry.samplesPerPixel,
              precision >= 2, precision <= 16, precision <= geometry.bitsAllocated else {
            throw .corrupt(source: source, detail: "lossless JPEG frame is \(columns)×\(rows), \(count) component(s) of \(precision) bits, "
                           + "the data set says \(geometry.summary)")
        }
        var ids: [Int] = []
        for c in 0..<count {
            let id = Int(p[6 + 3 * c]), sampling = p[7 + 3 * c]
            guard !ids.contains(id) else {
                throw .corrupt(source: source, detail: "lossless JPEG component \(id) defined twice")
            }
            guard count == 1 || sampling == 0x11 else {
                throw .unsupported(source: source, feature: "lossless JPEG with subsampled components")
            }
            ids.append(id)
        }
        self.precision = precision
        self.componentIDs = ids
    }
}
