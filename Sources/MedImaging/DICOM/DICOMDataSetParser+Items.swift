extension DICOMDataSetParser {
    /// Where the items of a sequence element lie, each range being one item's own data set
    /// (for `parse(from:to:explicitVR:)`), at most `limit` of them.
    ///
    /// The top-level parse skips sequences; this reads into the few a series needs — an
    /// enhanced multi-frame file's per-frame positions (PS3.3 C.7.6.16) — with the same
    /// bounds checks: every length is checked against the sequence's end before use.
    func items(of sequence: DICOMElement, explicitVR: Bool, limit: Int) throws(DICOMError) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var position = sequence.valueOffset
        let end = sequence.valueOffset + sequence.length
        while ranges.count < limit, position <= end - 8,
              let group = u16(at: position), let element = u16(at: position + 2), let length = u32(at: position + 4) {
            let tag = DICOMTag(group, element)
            if tag == .sequenceDelimitation { break }
            guard tag == .item else {
                throw .corrupt(source: source, detail: "sequence \(sequence.tag) holds \(tag) at offset \(position) where an item belongs")
            }
            if length == 0xFFFF_FFFF {
                let next = try skipItem(at: position, end: end, explicitVR: explicitVR, depth: 1)
                ranges.append(position + 8 ..< next - 8)
                position = next
            } else {
                guard Int(length) <= end - position - 8 else {
                    throw .truncated(source: source, detail: "item at offset \(position) claims \(length) bytes but only \(end - position - 8) remain")
                }
                ranges.append(position + 8 ..< position + 8 + Int(length))
                position += 8 + Int(length)
            }
        }
        return ranges
    }

    /// The top-level elements of the first item of `tag`'s sequence in `elements`, if any.
    func firstItem(_ tag: DICOMTag, in elements: [DICOMTag: DICOMElement], explicitVR: Bool) throws(DICOMError) -> [DICOMTag: DICOMElement]? {
        guard let sequence = elements[tag], let range = try items(of: sequence, explicitVR: explicitVR, limit: 1).first else { return nil }
        return try parse(from: range.lowerBound, to: range.upperBound, explicitVR: explicitVR)
    }
}
