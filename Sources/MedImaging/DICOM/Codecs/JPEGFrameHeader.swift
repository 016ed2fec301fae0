/// The markers of one JPEG frame up to its first scan, read before libjpeg sees the bytes:
/// the frame header (size, precision, component IDs) to check against the DICOM geometry
/// before anything is allocated, and whether a JFIF or Adobe marker would make libjpeg
/// convert colours on its own.
struct JPEGFrameHeader {
    let width: Int
    let height: Int
    let precision: Int
    let componentIDs: [UInt8]
    /// An APP0 segment starting "JFIF" (pydicom then treats the frame as YBR).
    let hasJFIF: Bool
    /// Offsets of the APP0 and APP14 marker codes (the byte after FF), for `withoutColourTransform`.
    let colourMarkerOffsets: [Int]

    /// Walks the segments from SOI to SOS; throws when the structure is broken or no frame header comes first.
    init(bytes: [UInt8], source: String) throws(DICOMError) {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw .corrupt(source: source, detail: "JPEG frame does not start with a start-of-image marker")
        }
        var offset = 2
        var frame: (width: Int, height: Int, precision: Int, ids: [UInt8])?
        var jfif = false
        var colourMarkers: [Int] = []
        while true {
            while offset < bytes.count, bytes[offset] == 0xFF, offset + 1 < bytes.count, bytes[offset + 1] == 0xFF { offset += 1 }
            guard offset + 4 <= bytes.count else {
                throw .truncated(source: source, detail: "JPEG frame ends at byte \(bytes.count), before its first scan")
            }
            guard bytes[offset] == 0xFF else {
                throw .corrupt(source: source, detail: "JPEG frame has no marker at byte \(offset)")
            }
            let marker = bytes[offset + 1]
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else {
                throw .truncated(source: source, detail: "JPEG frame's marker FF\(Self.hex(marker)) segment at byte \(offset) "
                                 + "claims \(length) bytes past the end")
            }
            let body = offset + 4, end = offset + 2 + length
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                guard length >= 8 else {
                    throw .corrupt(source: source, detail: "JPEG frame header at byte \(offset) is too short")
                }
                let components = Int(bytes[body + 5])
                guard length >= 8 + 3 * components else {
                    throw .corrupt(source: source, detail: "JPEG frame header at byte \(offset) does not fit \(components) components")
                }
                frame = (width: Int(bytes[body + 3]) << 8 | Int(bytes[body + 4]),
                         height: Int(bytes[body + 1]) << 8 | Int(bytes[body + 2]),
                         precision: Int(bytes[body]),
                         ids: (0..<components).map { bytes[body + 6 + 3 * $0] })
            case 0xE0:
                colourMarkers.append(offset + 1)
                if length >= 7, Array(bytes[body ..< body + 5]) == Array("JFIF\0".utf8) { jfif = true }
            case 0xEE:
                colourMarkers.append(offset + 1)
            case 0xDA:
                guard let frame else {
                    throw .corrupt(source: source, detail: "JPEG frame has a scan before its frame header")
                }
                width = frame.width
                height = frame.height
                precision = frame.precision
                componentIDs = frame.ids
                hasJFIF = jfif
                colourMarkerOffsets = colourMarkers
                return
            default:
                break
            }
            offset = end
        }
    }

    /// The same codestream with JFIF and Adobe markers renamed APP15 (which libjpeg skips) and an
    /// Adobe marker saying "no transform" after SOI: libjpeg then hands back the three
    /// components exactly as coded (upsampled, no colour conversion), as GDCM does for
    /// pydicom, which converts YBR to RGB itself.
    func withoutColourTransform(_ bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        for offset in colourMarkerOffsets { copy[offset] = 0xEF }
        // APP14, length 14, "Adobe", version 100, flags 0 and 0, transform 0 (none).
        let adobe: [UInt8] = [0xFF, 0xEE, 0x00, 0x0E, 0x41, 0x64, 0x6F, 0x62, 0x65, 0x00, 0x64, 0, 0, 0, 0, 0]
        copy.insert(contentsOf: adobe, at: 2)
        return copy
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
