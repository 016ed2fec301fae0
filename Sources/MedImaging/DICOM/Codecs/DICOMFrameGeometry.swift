/// What one frame of compressed pixel data must decode to, from the Image Pixel module.
///
/// Every frame codec (RLE, JPEG, JPEG-LS, JPEG 2000) gets this with the frame's bytes and
/// checks the codestream's own header against it before allocating anything: a frame that
/// claims another size, depth or sample count is an error naming the file, never a
/// 65535 × 65535 allocation taken on the codestream's word.
struct DICOMFrameGeometry: Sendable, Equatable {
    let rows: Int
    let columns: Int
    let samplesPerPixel: Int
    /// 8 or 16: the width of one sample in `PixelSamples`.
    let bitsAllocated: Int
    let bitsStored: Int
    let isSigned: Bool
    /// Photometric Interpretation as the file writes it ("YBR_FULL_422", "YBR_ICT"…): the
    /// JPEG codecs need it to know whether to turn YBR samples into RGB the way pydicom does.
    var photometricInterpretation = ""

    /// Samples in one frame (rows × columns × samples per pixel).
    var sampleCount: Int { rows * columns * samplesPerPixel }
}
