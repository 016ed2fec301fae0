/// Walks the marker segments of a JPEG codestream that our own decoders read (lossless and
/// DCT): SOI checked, fill bytes skipped, each segment's length checked against the frame,
/// so a decoder sees only whole segments. After a scan the decoder moves `position` to where
/// its entropy-coded data ended.
struct JPEGSegmentWalker {
    let bytes: [UInt8]
    /// The codec in messages ("lossless JPEG").
    let label: String
    let source: String
    var position = 2

    init(bytes: [UInt8], label: String, source: String) throws(DICOMError) {
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw .corrupt(source: source, detail: "\(label) frame does not start with SOI (FF D8)")
        }
        self.bytes = bytes
        self.label = label
        self.source = source
    }

    /// The next marker and its segment's payload (after the length field); nil at EOI or at
    /// the end of the bytes. TEM is skipped; RSTn or a second SOI outside a scan is damage.
    mutating func next() throws(DICOMError) -> (marker: UInt8, payload: ArraySlice<UInt8>)? {
        while position < bytes.count {
            guard bytes[position] == 0xFF else {
                throw .corrupt(source: source, detail: "\(label): no marker at byte \(position)")
            }
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else { return nil }
            let marker = bytes[position]
            position += 1
            switch marker {
            case 0xD9: return nil
            case 0x01: continue
            case 0xD0...0xD8: throw .corrupt(source: source, detail: "\(label): marker FF \(Self.hex(marker)) outside a scan")
            default: break
            }
            guard position + 2 <= bytes.count else {
                throw .truncated(source: source, detail: "\(label) ends inside marker FF \(Self.hex(marker))")
            }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2, position + length <= bytes.count else {
                throw .truncated(source: source, detail: "\(label) marker FF \(Self.hex(marker)) segment of \(length) bytes runs past the frame")
            }
            let payload = bytes[(position + 2)..<(position + length)]
            position += length
            return (marker, payload)
        }
        return nil
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
