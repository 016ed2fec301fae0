/// A pure-Swift walk over a JPEG's marker segments, from SOI up to the first scan (SOS),
/// done before libjpeg-turbo sees the bytes.
///
/// It exists because libjpeg is a poor judge of hostile headers:
/// * the frame header (SOF) is read and the pixel limit enforced before anything is
///   allocated, so a 65535×65535 header is refused up front with `tooLarge` (libjpeg
///   itself would accept up to 65500×65500 and allocate for it);
/// * truncation and garbage before the image data get a precise, stable message
///   rather than libjpeg's "datastream contains no image" after it silently skipped
///   bytes looking for a marker;
/// * kinds the decoder does not produce (CMYK, 12-bit, lossless, hierarchical) are
///   named clearly instead of surfacing as a libjpeg colour-conversion error.
///
/// Everything after the first SOS (entropy-coded data, further scans of a progressive
/// file, restart markers, EOI) is left to libjpeg.
struct JPEGStructure {
    let width: Int
    let height: Int
    /// Components in the frame: 1 (gray) or 3 (YCbCr or RGB); others are refused.
    let components: Int
    /// True for progressive (SOF2/SOF6/SOF10/SOF14) frames.
    let progressive: Bool

    /// Validates the markers up to the first scan; throws before any pixel memory is allocated.
    init(bytes: [UInt8], source: String, maxPixels: Int) throws(ImageError) {
        if bytes.isEmpty { throw .emptyJPEG(source: source) }
        guard bytes.count >= 2 else {
            if bytes[0] == 0xFF {
                throw .truncatedJPEG(source: source, detail: "ends inside the start-of-image marker after 1 byte")
            }
            throw .notJPEG(source: source)
        }
        guard bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw .notJPEG(source: source) }

        var frame: (width: Int, height: Int, components: Int, progressive: Bool)?
        var offset = 2
        while true {
            guard offset < bytes.count else {
                throw .truncatedJPEG(source: source, detail: "ends at byte \(bytes.count), before the first scan")
            }
            guard bytes[offset] == 0xFF else {
                throw .corruptJPEG(source: source, detail: "expected a marker at byte \(offset), found \(Self.hex(bytes[offset]))")
            }
            // Any number of 0xFF fill bytes may precede a marker code.
            while offset < bytes.count && bytes[offset] == 0xFF { offset += 1 }
            guard offset < bytes.count else {
                throw .truncatedJPEG(source: source, detail: "ends inside a marker at byte \(bytes.count)")
            }
            let marker = bytes[offset]
            let markerOffset = offset - 1
            offset += 1

            switch marker {
            case 0x01, 0xD0...0xD7:
                continue  // TEM and RSTn stand alone, without a length
            case 0x00:
                throw .corruptJPEG(source: source, detail: "stray FF 00 at byte \(markerOffset) outside entropy-coded data")
            case 0xD8:
                throw .corruptJPEG(source: source, detail: "a second start-of-image marker at byte \(markerOffset)")
            case 0xD9:
                throw .corruptJPEG(source: source, detail: "end-of-image marker at byte \(markerOffset) before any image data")
            default:
                break
            }

            guard bytes.count - offset >= 2 else {
                throw .truncatedJPEG(source: source, detail: "ends inside the \(Self.name(marker)) segment length at byte \(bytes.count)")
            }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard length >= 2 else {
                throw .corruptJPEG(source: source, detail: "\(Self.name(marker)) segment at byte \(markerOffset) has invalid length \(length)")
            }
            guard bytes.count - offset >= length else {
                throw .truncatedJPEG(source: source, detail: "ends inside the \(Self.name(marker)) segment at byte \(bytes.count)")
            }
            let body = offset + 2  // first byte after the length
            let end = offset + length

            if Self.isFrameHeader(marker) {
                guard frame == nil else {
                    throw .corruptJPEG(source: source, detail: "a second frame header (\(Self.name(marker))) at byte \(markerOffset)")
                }
                guard length >= 8 else {
                    throw .corruptJPEG(source: source, detail: "\(Self.name(marker)) segment is too short (\(length) bytes)")
                }
                let precision = Int(bytes[body])
                let height = Int(bytes[body + 1]) << 8 | Int(bytes[body + 2])
                let width = Int(bytes[body + 3]) << 8 | Int(bytes[body + 4])
                let components = Int(bytes[body + 5])
                guard length == 8 + 3 * components else {
                    throw .corruptJPEG(source: source, detail: "\(Self.name(marker)) length \(length) does not fit \(components) components")
                }
                guard width > 0, height > 0 else {
                    // Height 0 means "defined later by a DNL marker", which libjpeg does not support either.
                    throw .corruptJPEG(source: source, detail: "invalid image size \(width)×\(height)")
                }
                // Checked here, before libjpeg runs and before the pixel buffer exists.
                guard width * height <= maxPixels else {  // at most 65535², no overflow
                    throw .tooLarge(source: source, width: width, height: height, limit: maxPixels)
                }
                switch marker {
                case 0xC3, 0xC7, 0xCB, 0xCF:
                    throw .unsupportedJPEG(source: source, detail: "lossless JPEG (\(Self.name(marker)))")
                case 0xC5, 0xC6, 0xCD, 0xCE:
                    throw .unsupportedJPEG(source: source, detail: "hierarchical JPEG (\(Self.name(marker)))")
                default:
                    break
                }
                guard precision == 8 else {
                    throw .unsupportedJPEG(source: source, detail: "\(precision)-bit samples; only 8-bit JPEG is supported")
                }
                switch components {
                case 1, 3:
                    break
                case 4:
                    throw .unsupportedJPEG(source: source, detail: "4-component (CMYK or YCCK) image; convert it to RGB first")
                default:
                    throw .unsupportedJPEG(source: source, detail: "\(components)-component image; only gray and colour are supported")
                }
                frame = (width, height, components, [0xC2, 0xC6, 0xCA, 0xCE].contains(marker))
            } else if marker == 0xDA {
                guard let frame else {
                    throw .corruptJPEG(source: source, detail: "scan at byte \(markerOffset) before any frame header")
                }
                self.width = frame.width
                self.height = frame.height
                self.components = frame.components
                self.progressive = frame.progressive
                return
            }
            offset = end
        }
    }

    /// SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    private static func isFrameHeader(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// A readable marker name for messages: "SOF0", "APP1", "DQT", or "marker FF xx".
    private static func name(_ marker: UInt8) -> String {
        switch marker {
        case 0xC4: return "DHT"
        case 0xCC: return "DAC"
        case 0xDA: return "SOS"
        case 0xDB: return "DQT"
        case 0xDD: return "DRI"
        case 0xFE: return "COM"
        case 0xE0...0xEF: return "APP\(marker - 0xE0)"
        case _ where isFrameHeader(marker): return "SOF\(marker - 0xC0)"
        default: return "marker FF \(hex(marker).dropFirst(2))"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
}
