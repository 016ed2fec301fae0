/// Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item, then one item per
/// fragment, then the sequence delimiter; and which fragments make up which frame.
///
/// Only positions are recorded, never copies, and every item length and table offset is
/// checked against the bytes before it is used: a hostile file gets a one-line error
/// naming the problem, never a read past the end or an allocation taken on its word.
struct DICOMEncapsulatedPixelData {
    /// One fragment item.
    struct Fragment {
        /// Offset of the item tag from the first fragment's item tag, the origin of both
        /// offset tables.
        let itemOffset: Int
        /// The fragment's bytes in the data set.
        let value: Range<Int>
    }

    /// Basic Offset Table entries; empty when the table item is empty.
    let basicOffsets: [Int]
    let fragments: [Fragment]
    /// The offset just after the sequence delimiter.
    let end: Int
    let source: String

    private static let undefinedLength: UInt32 = 0xFFFF_FFFF

    /// Walks the items of the pixel data value starting at `start` (just after the element header).
    init(bytes: [UInt8], from start: Int, end limit: Int, source: String) throws(DICOMError) {
        self.source = source
        func header(at position: Int, what: String) throws(DICOMError) -> (tag: DICOMTag, length: UInt32) {
            guard position >= 0, position <= limit - 8, limit <= bytes.count else {
                throw .truncated(source: source, detail: "encapsulated pixel data ends inside the \(what) at offset \(position) "
                                 + "(no sequence delimiter)")
            }
            let group = UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
            let element = UInt16(bytes[position + 2]) | UInt16(bytes[position + 3]) << 8
            let value = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[position + 4 + $1]) << (8 * $1) }
            return (DICOMTag(group, element), value)
        }

        // The Basic Offset Table: an item of 32-bit offsets, possibly empty.
        let table = try header(at: start, what: "Basic Offset Table item")
        guard table.tag == .item else {
            throw .corrupt(source: source, detail: "encapsulated pixel data starts with \(table.tag) at offset \(start) "
                           + "where the Basic Offset Table item belongs")
        }
        guard table.length != Self.undefinedLength, table.length % 4 == 0 else {
            throw .corrupt(source: source, detail: "Basic Offset Table at offset \(start) has length \(Self.describe(table.length)), "
                           + "not a multiple of 4")
        }
        guard Int(table.length) <= limit - (start + 8) else {
            throw .truncated(source: source, detail: "Basic Offset Table at offset \(start) claims \(table.length) bytes "
                             + "but only \(limit - start - 8) remain")
        }
        let tableStart = start + 8
        basicOffsets = (0 ..< Int(table.length) / 4).map { index in
            let at = tableStart + 4 * index
            return (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
        }

        // Fragments up to the sequence delimiter.
        let origin = tableStart + Int(table.length)
        var fragments: [Fragment] = []
        var position = origin
        while true {
            let item = try header(at: position, what: "item header")
            if item.tag == .sequenceDelimitation { break }
            guard item.tag == .item else {
                throw .corrupt(source: source, detail: "encapsulated pixel data holds \(item.tag) at offset \(position) "
                               + "where a fragment item belongs")
            }
            guard item.length != Self.undefinedLength else {
                throw .corrupt(source: source, detail: "pixel data fragment at offset \(position) has undefined length")
            }
            guard Int(item.length) <= limit - (position + 8) else {
                throw .truncated(source: source, detail: "pixel data fragment at offset \(position) claims \(item.length) bytes "
                                 + "but only \(limit - position - 8) remain")
            }
            fragments.append(Fragment(itemOffset: position - origin, value: position + 8 ..< position + 8 + Int(item.length)))
            position += 8 + Int(item.length)
        }
        self.fragments = fragments
        self.end = position + 8
    }

    private static func describe(_ length: UInt32) -> String {
        length == undefinedLength ? "undefined" : String(length)
    }
}
