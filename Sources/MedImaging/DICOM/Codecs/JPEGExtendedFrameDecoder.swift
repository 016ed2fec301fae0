/// One frame of JPEG Extended (1.2.840.10008.1.2.4.51, process 2 and 4: Huffman sequential
/// DCT, 8 or 12 bits): 8-bit frames go to libjpeg-turbo exactly as JPEG Baseline does,
/// 12-bit ones to our own `JPEGDCTFrameDecoder` (Debian's libjpeg-turbo 2.1 has no 12-bit build).
enum JPEGExtendedFrameDecoder {
    static func decode(_ frame: [UInt8], geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> PixelSamples {
        let header = try JPEGFrameHeader(bytes: frame, source: source)
        if header.precision == 8 {
            return try JPEGBaselineFrameDecoder.decode(frame, geometry: geometry, source: source)
        }
        return try JPEGDCTFrameDecoder.decode(frame, geometry: geometry, source: source)
    }
}
