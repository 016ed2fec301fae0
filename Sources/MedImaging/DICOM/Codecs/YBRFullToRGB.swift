/// YBR_FULL to RGB exactly as pydicom's `convert_color_space` computes it, so a JPEG stored
/// as YBR_FULL or YBR_FULL_422 decodes to the very bytes of pydicom's `pixel_array`.
///
/// pydicom (PS3.3 C.7.6.3.1.2, T.871 section 7) subtracts 128 from the chroma, multiplies by
/// a float32 matrix with NumPy's matmul and rounds as floor(x + 0.5), clipped to 0…255.
/// NumPy's float32 matmul accumulates with fused multiply-adds in row order (Y, Cb, Cr);
/// `addingProduct` is the same single-rounding FMA, which reproduces it for all 2²⁴ inputs
/// (checked by Tools/make_compressed_dicom_fixtures.py's oracle files, not by hand).
enum YBRFullToRGB {
    // The float32 matrix pydicom builds, column by column (R, G, B).
    // (Python evaluates the products in double precision, then NumPy rounds them to float32.)
    private static let cbToG = Float(-0.114 as Double * 1.772 / 0.587)
    private static let crToG = Float(-0.299 as Double * 1.402 / 0.587)
    private static let cbToB = Float(1.772 as Double)
    private static let crToR = Float(1.402 as Double)

    /// Converts interleaved Y, Cb, Cr bytes to R, G, B in place.
    static func convert(_ samples: inout [UInt8]) {
        var index = 0
        while index + 2 < samples.count {
            let y = Float(samples[index]), cb = Float(samples[index + 1]) - 128, cr = Float(samples[index + 2]) - 128
            let red = y.addingProduct(cb, 0).addingProduct(cr, crToR)
            let green = y.addingProduct(cb, cbToG).addingProduct(cr, crToG)
            let blue = y.addingProduct(cb, cbToB).addingProduct(cr, 0)
            samples[index] = round(red)
            samples[index + 1] = round(green)
            samples[index + 2] = round(blue)
            index += 3
        }
    }

    private static func round(_ value: Float) -> UInt8 {
        UInt8(min(max((value + 0.5).rounded(.down), 0), 255))
    }
}
