/// Decodes one lossless JPEG frame: process 14 (1.2.840.10008.1.2.4.57, any predictor) and
/// its first-order-prediction subset SV1 (.70), the most common lossless DICOM export.
///
/// Why our own decoder: no C library Debian ships with a C API decodes lossless JPEG.
/// libjpeg-turbo gained it only in 3.0, and Debian's is 2.1. CharLS is JPEG-LS only and
/// OpenJPEG is JPEG 2000 only. GDCM and DCMTK decode it, but only through C++
/// interoperability and a large dependency, for about 300 lines of integer code. The
/// decoding is integer-exact, so its output is bit-for-bit what pydicom's `pixel_array`
/// gives (tested against pylibjpeg-libjpeg and GDCM).
///
/// Supported: SOF3 with 2–16-bit precision, 1 or 3 components (interleaved in one scan or
/// one scan each), DHT tables, all seven predictors, point transform, restart intervals of
/// whole rows (DRI/RSTn), difference category 16. Output values are masked to Bits Stored
/// (unsigned) or sign-extended from it (signed), as pydicom corrects unused bits.
enum JPEGLosslessFrameDecoder {
    static func decode(_ frame: [UInt8], geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> PixelSamples {
        var segments = try JPEGSegmentWalker(bytes: frame, label: "lossless JPEG", source: source)
        var header: JPEGLosslessFrameHeader?
        var tables = [JPEGHuffmanTable?](repeating: nil, count: 4)
        var restartInterval = 0
        var raw: [Int32] = []
        var decoded = [Bool](repeating: false, count: geometry.samplesPerPixel)
        /// Each component's point transform, undone when the samples are stored.
        var shifts = [Int](repeating: 0, count: geometry.samplesPerPixel)

        while let (marker, payload) = try segments.next() {
            switch marker {
            case 0xC3:
                guard header == nil else { throw .corrupt(source: source, detail: "lossless JPEG has two frame headers") }
                let parsed = try JPEGLosslessFrameHeader(payload: payload, geometry: geometry, source: source)
                header = parsed
                raw = [Int32](repeating: 0, count: geometry.sampleCount)
            case 0xC0, 0xC1, 0xC2, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
                throw .unsupported(source: source, feature: "JPEG SOF\(marker - 0xC0) frame in a lossless JPEG transfer syntax")
            case 0xC4:
                try JPEGHuffmanTable.define(payload, into: &tables, classes: 0...0, label: "lossless JPEG", source: source)
            case 0xDD:
                guard payload.count == 2 else { throw .corrupt(source: source, detail: "lossless JPEG DRI segment of \(payload.count) bytes") }
                restartInterval = Int(payload[payload.startIndex]) << 8 | Int(payload[payload.startIndex + 1])
            case 0xDA:
                guard let header else { throw .corrupt(source: source, detail: "lossless JPEG scan before the SOF3 frame header") }
                let scan = try JPEGLosslessScan(payload: payload, frame: header, tables: tables, source: source)
                for c in scan.components {
                    guard !decoded[c] else { throw .corrupt(source: source, detail: "lossless JPEG component \(c) is in two scans") }
                    decoded[c] = true
                    shifts[c] = scan.pointTransform
                }
                var reader = JPEGBitReader(bytes: frame, position: segments.position, source: source)
                try scan.decode(&reader, into: &raw, geometry: geometry, precision: header.precision, restartInterval: restartInterval)
                segments.position = reader.position
            case 0xCC, 0xDC, 0xDE, 0xDF:
                throw .unsupported(source: source, feature: "lossless JPEG marker FF \(JPEGSegmentWalker.hex(marker)) (arithmetic coding, DNL or hierarchical)")
            default:
                continue  // APPn, COM, DQT and others carry nothing the samples need.
            }
        }
        guard header != nil else { throw .truncated(source: source, detail: "lossless JPEG has no SOF3 frame header") }
        guard !decoded.contains(false) else {
            throw .truncated(source: source, detail: "lossless JPEG ends before a scan for every component")
        }
        let fix = DICOMPixelDecoder.bitFixer(bitsStored: geometry.bitsStored, width: geometry.bitsAllocated, signed: geometry.isSigned)
        let channels = geometry.samplesPerPixel
        return raw.withUnsafeBufferPointer { values in
            geometry.samples { i in fix((Int(values[i]) << shifts[i % channels]) & 0xFFFF) }
        }
    }
}
