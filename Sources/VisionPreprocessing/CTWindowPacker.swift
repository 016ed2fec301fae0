/// Packs a CT slice into RGB with one Hounsfield window per channel, as MedGemma 1.5 expects.
///
/// Source: Google-Health/medgemma, `notebooks/high_dimensional_ct_hugging_face.ipynb`
/// (section "Define windowing for CT images", cell "Visualize CT slice windowing"):
/// MedGemma 1.5 "has been trained to interpret CT images where the RGB channels of input
/// images correspond to" three windows — red wide −1024…1024 HU, green soft tissue
/// −135…215 HU, blue brain 0…80 HU. The notebook's `norm` clips to the window, converts
/// to float32, subtracts the lower bound, divides by the window width, multiplies by
/// 255, then `np.round` (half to even) and `astype(np.uint8)`. The same float32
/// operations are done here in the same order, so the bytes match the notebook's.
///
/// The input is modality values: HU after the DICOM modality LUT (rescale slope and
/// intercept), one `Float` per pixel, rows top to bottom. NaN is treated as the lower bound.
public enum CTWindowPacker {
    /// MedGemma 1.5's windows for R, G and B.
    public static let medGemmaWindows: [HounsfieldWindow] = [.wide, .softTissue, .brain]

    /// An RGB image whose red, green and blue channels show `hounsfield` through
    /// `windows[0]`, `windows[1]` and `windows[2]`.
    public static func pack(hounsfield: [Float], width: Int, height: Int,
                            windows: [HounsfieldWindow] = medGemmaWindows) throws(PreprocessingError) -> RGBImage {
        guard width > 0, height > 0 else { throw .invalidSize(width: width, height: height) }
        guard hounsfield.count == width * height else {
            throw .sampleCountMismatch(expected: width * height, actual: hounsfield.count)
        }
        guard windows.count == 3 else { throw .unsupportedChannelCount(windows.count) }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        hounsfield.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for (channel, window) in windows.enumerated() {
                    for i in 0..<source.count {
                        target[i * 3 + channel] = level(source[i], window: window)
                    }
                }
            }
        }
        return RGBImage(unchecked: width, height: height, pixels: out)
    }

    /// A single window replicated into gray RGB (the usual one-window display of a slice).
    public static func gray(hounsfield: [Float], width: Int, height: Int,
                            window: HounsfieldWindow) throws(PreprocessingError) -> RGBImage {
        try pack(hounsfield: hounsfield, width: width, height: height, windows: [window, window, window])
    }

    /// The notebook's `norm` for one value, then `np.round` and `uint8`.
    @inline(__always)
    static func level(_ value: Float, window: HounsfieldWindow) -> UInt8 {
        // The notebook divides by `(max − min)` computed in Python (double), then float32.
        let span = Float(Double(window.upper) - Double(window.lower))
        var v = value.isNaN ? window.lower : min(max(value, window.lower), window.upper)
        v -= window.lower
        v /= span
        v *= 255.0
        return UInt8(v.rounded(.toNearestOrEven))
    }
}
