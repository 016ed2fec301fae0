/// Walks the elements of a DICOM data set and records the top-level ones.
///
/// Sequences are skipped, not interpreted: defined-length values by their length,
/// undefined-length sequences and items by walking to their delimiters, encapsulated
/// pixel data (compressed syntaxes only) by walking its fragment items. Nested
/// attributes (such as the Rows of an icon image inside a sequence) therefore never
/// shadow the real ones.
///
/// Hostile input is bounded on every path: each step advances at least eight bytes,
/// every length is checked against the end before it is used, and undefined-length
/// nesting is capped at `maxDepth`, so parsing is linear in the file size and cannot
/// recurse without bound.
struct DICOMDataSetParser {
    /// Deepest nesting of undefined-length sequences accepted (real files use a handful).
    static let maxDepth = 32

    private static let undefinedLength: UInt32 = 0xFFFF_FFFF
    /// VRs with a 2-byte reserved field and a 32-bit length in explicit VR (PS3.5 7.1.2).
    private static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]

    let bytes: [UInt8]
    let source: String
    /// Whether undefined-length pixel data is encapsulated (a compressed syntax) rather than an error.
    var encapsulated = false
    /// Stop at the top-level pixel data element, recording only where it starts: a series
    /// is sorted from headers alone, read from the first bytes of each file
    /// (`DICOMSliceHeader`), whose pixels may lie beyond what was read.
    var stopsAtPixelData = false

    /// One element header as read from the bytes.
    private struct Header {
        let tag: DICOMTag
        let vr: String?
        let length: UInt32
        let offset: Int
        let valueOffset: Int
    }

    /// Parses `start..<end` as a data set; returns the top-level elements (first wins).
    func parse(from start: Int, to end: Int, explicitVR: Bool) throws(DICOMError) -> [DICOMTag: DICOMElement] {
        var elements: [DICOMTag: DICOMElement] = [:]
        var position = start
        while position < end {
            let header = try readHeader(at: position, end: end, explicitVR: explicitVR)
            if header.tag.group == 0xFFFE {
                throw .corrupt(source: source, detail: "item or delimiter tag \(header.tag) outside a sequence at offset \(position)")
            }
            if stopsAtPixelData && header.tag == .pixelData {
                let undefined = header.length == Self.undefinedLength
                elements[header.tag] = DICOMElement(tag: header.tag, vr: header.vr, valueOffset: header.valueOffset,
                                                    length: undefined ? 0 : min(Int(header.length), max(0, end - header.valueOffset)),
                                                    isEncapsulated: undefined)
                return elements
            }
            let next = try skipValue(header, end: end, explicitVR: explicitVR, depth: 0)
            if elements[header.tag] == nil {
                elements[header.tag] = DICOMElement(tag: header.tag, vr: header.vr, valueOffset: header.valueOffset,
                                                    length: next - header.valueOffset,
                                                    isEncapsulated: header.tag == .pixelData && header.length == Self.undefinedLength)
            }
            position = next
        }
        return elements
    }

    /// Parses explicit-VR elements from `start` for as long as they belong to `group`
    /// (the file meta information); returns them and the offset after the last one.
    func parseGroup(_ group: UInt16, from start: Int, to end: Int) throws(DICOMError) -> (elements: [DICOMTag: DICOMElement], end: Int) {
        var elements: [DICOMTag: DICOMElement] = [:]
        var position = start
        while position < end, let nextGroup = u16(at: position), nextGroup == group {
            let header = try readHeader(at: position, end: end, explicitVR: true)
            let next = try skipValue(header, end: end, explicitVR: true, depth: 0)
            if elements[header.tag] == nil {
                elements[header.tag] = DICOMElement(tag: header.tag, vr: header.vr, valueOffset: header.valueOffset,
                                                    length: next - header.valueOffset)
            }
            position = next
        }
        if position < end && position + 2 > end {
            throw .truncated(source: source, detail: "element header at offset \(position) is cut off")
        }
        return (elements, position)
    }

    // MARK: - Elements

    private func readHeader(at position: Int, end: Int, explicitVR: Bool) throws(DICOMError) -> Header {
        guard position <= end - 8, let group = u16(at: position), let element = u16(at: position + 2) else {
            throw .truncated(source: source, detail: "element header at offset \(position) is cut off")
        }
        let tag = DICOMTag(group, element)
        // Items and delimiters never carry a VR, even in explicit-VR data sets.
        guard explicitVR, group != 0xFFFE else {
            return Header(tag: tag, vr: nil, length: u32(at: position + 4) ?? 0, offset: position, valueOffset: position + 8)
        }
        let first = bytes[position + 4], second = bytes[position + 5]
        guard (0x41...0x5A).contains(first), (0x41...0x5A).contains(second) else {
            throw .corrupt(source: source, detail: "element \(tag) at offset \(position) has no valid VR")
        }
        let vr = String(decoding: [first, second], as: UTF8.self)
        if Self.longVRs.contains(vr) {
            guard position <= end - 12, let length = u32(at: position + 8) else {
                throw .truncated(source: source, detail: "element \(tag) header at offset \(position) is cut off")
            }
            return Header(tag: tag, vr: vr, length: length, offset: position, valueOffset: position + 12)
        }
        return Header(tag: tag, vr: vr, length: UInt32(u16(at: position + 6) ?? 0), offset: position, valueOffset: position + 8)
    }

    /// The offset just after the element's value.
    private func skipValue(_ header: Header, end: Int, explicitVR: Bool, depth: Int) throws(DICOMError) -> Int {
        guard header.length == Self.undefinedLength else {
            let length = Int(header.length)
            guard length <= end - header.valueOffset else {
                throw .truncated(source: source, detail: "element \(header.tag) at offset \(header.offset) claims \(length) bytes "
                                 + "but only \(max(0, end - header.valueOffset)) remain")
            }
            return header.valueOffset + length
        }
        // Encapsulated (compressed) pixel data; in implicit VR it would otherwise pass for a sequence.
        // Icon images inside sequences are encapsulated too in a compressed syntax.
        if header.tag == .pixelData {
            guard encapsulated else {
                throw .corrupt(source: source, detail: "encapsulated (compressed) pixel data in an uncompressed transfer syntax")
            }
            return try DICOMEncapsulatedPixelData(bytes: bytes, from: header.valueOffset, end: end, source: source).end
        }
        switch header.vr {
        case nil, "SQ":
            return try skipSequence(header, end: end, explicitVR: explicitVR, depth: depth + 1)
        case "UN":
            // PS3.5 6.2.2: an undefined-length UN is a sequence encoded in implicit VR.
            return try skipSequence(header, end: end, explicitVR: false, depth: depth + 1)
        case let vr?:
            throw .corrupt(source: source, detail: "element \(header.tag) at offset \(header.offset) has VR \(vr) with undefined length")
        }
    }

    // MARK: - Sequences

    private func skipSequence(_ sequence: Header, end: Int, explicitVR: Bool, depth: Int) throws(DICOMError) -> Int {
        guard depth <= Self.maxDepth else {
            throw .corrupt(source: source, detail: "sequences nested deeper than \(Self.maxDepth) levels at offset \(sequence.offset)")
        }
        var position = sequence.valueOffset
        while true {
            guard position <= end - 8, let group = u16(at: position), let element = u16(at: position + 2),
                  let length = u32(at: position + 4) else {
                throw .truncated(source: source, detail: "sequence \(sequence.tag) at offset \(sequence.offset) "
                                 + "never ends (no sequence delimiter before the end of the data)")
            }
            let tag = DICOMTag(group, element)
            if tag == .sequenceDelimitation { return position + 8 }
            guard tag == .item else {
                throw .corrupt(source: source, detail: "sequence \(sequence.tag) holds \(tag) at offset \(position) where an item belongs")
            }
            if length == Self.undefinedLength {
                position = try skipItem(at: position, end: end, explicitVR: explicitVR, depth: depth)
            } else {
                guard Int(length) <= end - (position + 8) else {
                    throw .truncated(source: source, detail: "item at offset \(position) claims \(length) bytes "
                                     + "but only \(end - position - 8) remain")
                }
                position += 8 + Int(length)
            }
        }
    }

    /// Walks an undefined-length item's elements up to its item delimiter.
    func skipItem(at itemOffset: Int, end: Int, explicitVR: Bool, depth: Int) throws(DICOMError) -> Int {
        var position = itemOffset + 8
        while true {
            guard position <= end - 8, let group = u16(at: position), let element = u16(at: position + 2) else {
                throw .truncated(source: source, detail: "item at offset \(itemOffset) never ends (no item delimiter before the end of the data)")
            }
            let tag = DICOMTag(group, element)
            if tag == .itemDelimitation { return position + 8 }
            if group == 0xFFFE {
                throw .corrupt(source: source, detail: "unexpected \(tag) at offset \(position) inside an item")
            }
            let header = try readHeader(at: position, end: end, explicitVR: explicitVR)
            position = try skipValue(header, end: end, explicitVR: explicitVR, depth: depth)
        }
    }

    // MARK: - Bytes

    func u16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset <= bytes.count - 2 else { return nil }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(at offset: Int) -> UInt32? {
        guard offset >= 0, offset <= bytes.count - 4 else { return nil }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
