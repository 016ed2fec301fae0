/// How the data set after the file meta information is encoded.
///
/// The uncompressed little-endian syntaxes, the deflated one and the encapsulated ones
/// whose `DICOMFrameCodec` has a decoder are read. Everything else is refused up front
/// with its name and UID ("HTJ2K (1.2.840.10008.1.2.4.201)"), so a clinician sees
/// *why* a file does not open instead of a generic parse failure.
enum DICOMTransferSyntax: Sendable, Equatable {
    /// 1.2.840.10008.1.2: tags carry no VR; lengths are 32-bit.
    case implicitLittleEndian
    /// 1.2.840.10008.1.2.1: tags carry a two-letter VR.
    case explicitLittleEndian
    /// 1.2.840.10008.1.2.1.99: explicit VR little endian, the data set compressed with raw DEFLATE.
    case deflatedExplicitLittleEndian
    /// Explicit VR little endian with the pixel data encapsulated (PS3.5 A.4): one
    /// compressed codestream per frame, decoded by the codec.
    case encapsulated(DICOMFrameCodec)

    static let implicitLittleEndianUID = "1.2.840.10008.1.2"
    static let explicitLittleEndianUID = "1.2.840.10008.1.2.1"
    static let deflatedExplicitLittleEndianUID = "1.2.840.10008.1.2.1.99"

    /// Whether elements carry a VR (every syntax but Implicit VR Little Endian).
    var isExplicitVR: Bool { self != .implicitLittleEndian }

    /// The codec of an encapsulated syntax; nil for native pixel data.
    var codec: DICOMFrameCodec? {
        if case .encapsulated(let codec) = self { return codec }
        return nil
    }

    /// The syntax for `uid`, or the `unsupported` error naming it.
    static func resolve(uid: String, source: String) throws(DICOMError) -> DICOMTransferSyntax {
        switch uid {
        case implicitLittleEndianUID: return .implicitLittleEndian
        case explicitLittleEndianUID: return .explicitLittleEndian
        case deflatedExplicitLittleEndianUID: return .deflatedExplicitLittleEndian
        default:
            if let codec = DICOMFrameCodec(transferSyntaxUID: uid), codec.decoder != nil {
                return .encapsulated(codec)
            }
            // A hostile UID could be any length; the message stays short.
            let shown = uid.count > 64 ? String(uid.prefix(64)) + "…" : uid
            throw .unsupported(source: source, feature: "\(name(of: uid)) (\(shown))")
        }
    }

    /// A short human name for a transfer syntax UID (names from PS3.6 Table A-1, shortened).
    static func name(of uid: String) -> String {
        if let name = names[uid] { return name }
        // JPEG processes 3-13 and 15-29, all retired.
        if uid.hasPrefix("1.2.840.10008.1.2.4."), let process = Int(uid.dropFirst("1.2.840.10008.1.2.4.".count)),
           (52...66).contains(process) {
            return "JPEG (retired process)"
        }
        return "unknown transfer syntax"
    }

    private static let names: [String: String] = [
        "1.2.840.10008.1.2": "Implicit VR Little Endian",
        "1.2.840.10008.1.2.1": "Explicit VR Little Endian",
        "1.2.840.10008.1.2.1.98": "Encapsulated Uncompressed Explicit VR Little Endian",
        "1.2.840.10008.1.2.1.99": "Deflated Explicit VR Little Endian",
        "1.2.840.10008.1.2.2": "Explicit VR Big Endian (retired)",
        "1.2.840.10008.1.2.4.50": "JPEG Baseline",
        "1.2.840.10008.1.2.4.51": "JPEG Extended",
        "1.2.840.10008.1.2.4.57": "JPEG Lossless",
        "1.2.840.10008.1.2.4.70": "JPEG Lossless (first-order prediction)",
        "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless",
        "1.2.840.10008.1.2.4.81": "JPEG-LS Near-Lossless",
        "1.2.840.10008.1.2.4.90": "JPEG 2000",
        "1.2.840.10008.1.2.4.91": "JPEG 2000",
        "1.2.840.10008.1.2.4.92": "JPEG 2000 Part 2 multi-component",
        "1.2.840.10008.1.2.4.93": "JPEG 2000 Part 2 multi-component",
        "1.2.840.10008.1.2.4.94": "JPIP referenced",
        "1.2.840.10008.1.2.4.95": "JPIP referenced deflate",
        "1.2.840.10008.1.2.4.100": "MPEG-2",
        "1.2.840.10008.1.2.4.101": "MPEG-2",
        "1.2.840.10008.1.2.4.102": "MPEG-4 AVC/H.264",
        "1.2.840.10008.1.2.4.103": "MPEG-4 AVC/H.264",
        "1.2.840.10008.1.2.4.104": "MPEG-4 AVC/H.264",
        "1.2.840.10008.1.2.4.105": "MPEG-4 AVC/H.264",
        "1.2.840.10008.1.2.4.106": "MPEG-4 AVC/H.264",
        "1.2.840.10008.1.2.4.107": "HEVC/H.265",
        "1.2.840.10008.1.2.4.108": "HEVC/H.265",
        "1.2.840.10008.1.2.4.110": "JPEG XL",
        "1.2.840.10008.1.2.4.111": "JPEG XL",
        "1.2.840.10008.1.2.4.112": "JPEG XL",
        "1.2.840.10008.1.2.4.201": "HTJ2K",
        "1.2.840.10008.1.2.4.202": "HTJ2K",
        "1.2.840.10008.1.2.4.203": "HTJ2K",
        "1.2.840.10008.1.2.5": "RLE Lossless",
    ]
}
