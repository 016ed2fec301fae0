/// Which codec decodes the frames of an encapsulated (compressed) transfer syntax, and the
/// one place that names each codec's decoder.
///
/// A syntax whose codec has no decoder wired yet (`decoder == nil`) is refused by name when
/// the file is opened, exactly as before compressed DICOM was read, so a new decoder plugs
/// in with one line in `decoder` and nothing else changes.
enum DICOMFrameCodec: Sendable, Equatable {
    /// RLE Lossless (PS3.5 G): PackBits segments, our own decoder.
    case rle
    /// JPEG Baseline, process 1 (8-bit), through libjpeg-turbo.
    case jpegBaseline
    /// JPEG Extended, processes 2 and 4: 8-bit through libjpeg-turbo, 12-bit our own DCT decoder.
    case jpegExtended
    /// JPEG Lossless, processes 14 and 14 SV1: our own decoder (libjpeg-turbo 2.1 has none).
    case jpegLossless
    /// JPEG-LS, lossless and near-lossless, through CharLS.
    case jpegLS
    /// JPEG 2000, lossless-only and lossy, through OpenJPEG.
    case jpeg2000

    /// One frame's codestream in, one frame's samples out (interleaved channels, bit
    /// patterns as `DICOMPixelDecoder` stores native ones), checked against `geometry`.
    typealias FrameDecoder = (_ frame: [UInt8], _ geometry: DICOMFrameGeometry,
                              _ source: String) throws(DICOMError) -> PixelSamples

    /// The codec of an encapsulated transfer syntax; nil for native syntaxes and for
    /// compressed ones no codec here handles (MPEG, HTJ2K…).
    init?(transferSyntaxUID uid: String) {
        switch uid {
        case "1.2.840.10008.1.2.5": self = .rle
        case "1.2.840.10008.1.2.4.50": self = .jpegBaseline
        case "1.2.840.10008.1.2.4.51": self = .jpegExtended
        case "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70": self = .jpegLossless
        case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81": self = .jpegLS
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91": self = .jpeg2000
        default: return nil
        }
    }

    /// The frame decoder, or nil while none is wired (the syntax is then refused by name).
    var decoder: FrameDecoder? {
        switch self {
        case .rle: return RLEFrameDecoder.decode
        case .jpegBaseline: return JPEGBaselineFrameDecoder.decode
        case .jpegExtended: return JPEGExtendedFrameDecoder.decode
        case .jpegLossless: return JPEGLosslessFrameDecoder.decode
        case .jpegLS: return JPEGLSFrameDecoder.decode
        case .jpeg2000: return JPEG2000FrameDecoder.decode
        }
    }

    /// Photometric interpretations that are not stored as RGB but that this codec's decoder
    /// turns into RGB samples (pydicom's `pixel_array` does the same), so the image is RGB.
    var decodesToRGB: Set<String> {
        switch self {
        case .jpegBaseline, .jpegExtended: return ["YBR_FULL", "YBR_FULL_422"]
        case .jpeg2000: return ["YBR_ICT", "YBR_RCT"]
        case .rle: return ["YBR_FULL"]
        case .jpegLossless, .jpegLS: return []
        }
    }
}
