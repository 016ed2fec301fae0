/// Builds DICOM Part 10 bytes in the tests, for hostile and unusual inputs that no
/// encoder would write. Little endian throughout.
enum DICOMTestBytes {
    static let explicitVR = "1.2.840.10008.1.2.1"
    static let implicitVR = "1.2.840.10008.1.2"

    static func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    static func u32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }

    /// Text padded to even length with a space (UIDs with NUL).
    static func text(_ string: String, uid: Bool = false) -> [UInt8] {
        var bytes = Array(string.utf8)
        if bytes.count % 2 == 1 { bytes.append(uid ? 0 : 0x20) }
        return bytes
    }

    /// An explicit-VR element; `length` overrides the real value length.
    static func element(_ group: Int, _ element: Int, _ vr: String, _ value: [UInt8], length: Int? = nil) -> [UInt8] {
        let long = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"].contains(vr)
        let header = u16(group) + u16(element) + Array(vr.utf8)
        let length = length ?? value.count
        return header + (long ? [0, 0] + u32(length) : u16(length)) + value
    }

    /// An implicit-VR element.
    static func implicitElement(_ group: Int, _ element: Int, _ value: [UInt8], length: Int? = nil) -> [UInt8] {
        u16(group) + u16(element) + u32(length ?? value.count) + value
    }

    /// Item / delimiter tags (FFFE,xxxx) with a 32-bit length.
    static func delimiter(_ element: Int, length: Int = 0) -> [UInt8] { u16(0xFFFE) + u16(element) + u32(length) }
    static let undefined = 0xFFFF_FFFF
    static func undefinedItem(_ content: [UInt8]) -> [UInt8] { delimiter(0xE000, length: undefined) + content + delimiter(0xE00D) }

    /// An undefined-length sequence, explicit VR.
    static func undefinedSequence(_ group: Int, _ element: Int, items: [[UInt8]], closed: Bool = true) -> [UInt8] {
        Self.element(group, element, "SQ", [], length: undefined) + items.flatMap(undefinedItem) + (closed ? delimiter(0xE0DD) : [])
    }

    /// Preamble, "DICM", file meta information naming `transferSyntax`, then `dataSet`.
    static func file(transferSyntax: String = explicitVR, dataSet: [UInt8]) -> [UInt8] {
        let syntax = element(0x0002, 0x0010, "UI", text(transferSyntax, uid: true))
        let version = element(0x0002, 0x0001, "OB", [0, 1])
        let groupLength = element(0x0002, 0x0000, "UL", u32(version.count + syntax.count))
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + groupLength + version + syntax + dataSet
    }

    /// The image pixel module of a gray 16-bit image (explicit VR), without pixel data.
    /// `rowsVR` "UL" writes Rows/Columns as 32-bit values (sizes a US cannot hold).
    static func imageHeader(rows: Int, columns: Int, rowsVR: String = "US", frames: Int? = nil,
                            photometric: String = "MONOCHROME2", samples: Int = 1, bitsAllocated: Int = 16) -> [UInt8] {
        let size: (Int) -> [UInt8] = rowsVR == "UL" ? u32 : u16
        var bytes = element(0x0028, 0x0002, "US", u16(samples))
            + element(0x0028, 0x0004, "CS", text(photometric))
        if let frames { bytes += element(0x0028, 0x0008, "IS", text(String(frames))) }
        bytes += element(0x0028, 0x0010, rowsVR, size(rows)) + element(0x0028, 0x0011, rowsVR, size(columns))
            + element(0x0028, 0x0100, "US", u16(bitsAllocated)) + element(0x0028, 0x0101, "US", u16(bitsAllocated))
            + element(0x0028, 0x0102, "US", u16(bitsAllocated - 1)) + element(0x0028, 0x0103, "US", u16(0))
        return bytes
    }

    static func pixelData(_ bytes: [UInt8], length: Int? = nil) -> [UInt8] {
        element(0x7FE0, 0x0010, "OW", bytes, length: length)
    }

    /// A valid 3×2 16-bit gray image with `before` inserted ahead of the image module.
    static func smallImage(before: [UInt8] = [], transferSyntax: String = explicitVR) -> [UInt8] {
        file(transferSyntax: transferSyntax,
             dataSet: before + imageHeader(rows: 2, columns: 3) + pixelData((0..<12).map { UInt8($0) }))
    }
}
