/// Reads the entropy-coded bits of one JPEG scan (lossless or DCT), most significant bit first.
///
/// Stuffed bytes (FF 00) are read as FF; a marker ends the data. Bits are loaded only as
/// they are needed, so a scan that needs a bit beyond its data is truncated, an error,
/// rather than padded with zeros as libjpeg does: a cut-off frame must not pass as an image.
struct JPEGBitReader {
    private let bytes: [UInt8]
    /// The next byte to load: at the end, the start of the marker (or fill bytes) that ended the data.
    private(set) var position: Int
    private var buffer = 0
    private var available = 0
    let source: String

    init(bytes: [UInt8], position: Int, source: String) {
        self.bytes = bytes
        self.position = position
        self.source = source
    }

    mutating func bit() throws(DICOMError) -> Int {
        if available == 0 {
            guard let byte = nextByte() else {
                throw .truncated(source: source, detail: "JPEG scan data ends before the frame's last sample")
            }
            buffer = byte
            available = 8
        }
        available -= 1
        return (buffer >> available) & 1
    }

    mutating func bits(_ count: Int) throws(DICOMError) -> Int {
        var value = 0
        for _ in 0..<count { value = (value << 1) | (try bit()) }
        return value
    }

    /// The next data byte, or nil at a marker or the end of the buffer (position stays there).
    private mutating func nextByte() -> Int? {
        guard position < bytes.count else { return nil }
        let byte = bytes[position]
        guard byte == 0xFF else {
            position += 1
            return Int(byte)
        }
        guard position + 1 < bytes.count, bytes[position + 1] == 0x00 else { return nil }
        position += 2
        return 0xFF
    }

    /// Drops the bits left in the current byte and moves to the next marker: where the scan's
    /// data ends, or where a restart marker is expected.
    mutating func skipToMarker() {
        available = 0
        while position < bytes.count {
            if bytes[position] == 0xFF, position + 1 < bytes.count, bytes[position + 1] != 0x00 {
                // Fill bytes (FF FF …) belong to the marker that follows them.
                if bytes[position + 1] == 0xFF { position += 1; continue }
                return
            }
            position += 1
        }
    }

    /// Reads restart marker RSTn (n = `index` mod 8) at the end of a restart interval.
    mutating func restart(index: Int) throws(DICOMError) {
        skipToMarker()
        let expected = UInt8(0xD0 + index % 8)
        guard position + 1 < bytes.count, bytes[position + 1] == expected else {
            if position + 1 >= bytes.count {
                throw .truncated(source: source, detail: "JPEG scan ends before restart marker RST\(index % 8)")
            }
            throw .corrupt(source: source, detail: "JPEG restart marker RST\(index % 8) missing at byte \(position)")
        }
        position += 2
    }
}
