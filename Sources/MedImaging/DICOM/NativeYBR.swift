/// Uncompressed YBR_FULL_422 pixel data as the RGB that pydicom 3's `pixel_array` gives:
/// each pair (Y1 Y2 Cb Cr) widened to Y1 Cb Cr, Y2 Cb Cr, as pydicom does, then
/// `YBRFullToRGB`. 8-bit only; `DICOMPixelModule` checked the size and the even width.
enum NativeYBR {
    static func rgb(fromFull422 bytes: [UInt8], module: DICOMPixelModule) -> [UInt8] {
        let pixels = module.rows * module.columns * module.frames, start = module.pixelDataOffset
        var samples = [UInt8](repeating: 0, count: pixels * 3)
        for pair in 0..<(pixels / 2) {
            let at = start + 4 * pair, out = 6 * pair
            let cb = bytes[at + 2], cr = bytes[at + 3]
            samples[out] = bytes[at]
            samples[out + 1] = cb
            samples[out + 2] = cr
            samples[out + 3] = bytes[at + 1]
            samples[out + 4] = cb
            samples[out + 5] = cr
        }
        YBRFullToRGB.convert(&samples)
        return samples
    }
}
