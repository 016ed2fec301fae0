/// Which fragments make up which frame (PS3.5 A.4, PS3.3 C.7.6.3.1.8).
extension DICOMEncapsulatedPixelData {
    /// The Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002): 64-bit values,
    /// one per frame, for files whose offsets do not fit the Basic Offset Table.
    struct ExtendedOffsets {
        let offsets: [UInt64]
        let lengths: [UInt64]
    }

    /// For each of `frames` frames, the byte ranges whose concatenation is its codestream.
    ///
    /// In order of precedence: the Basic Offset Table; the Extended Offset Table (each frame
    /// one fragment, its length given); one frame per fragment when the counts agree; all
    /// fragments for a single frame; and, for JPEG-family codestreams, frames ending at the
    /// fragment whose data ends with an EOI marker (FFD9), as pydicom does. Anything else
    /// is an error naming the disagreement.
    func frameRanges(frames: Int, extended: ExtendedOffsets?, splitAtEOI: Bool,
                     bytes: [UInt8]) throws(DICOMError) -> [[Range<Int>]] {
        guard !fragments.isEmpty else {
            throw .corrupt(source: source, detail: "encapsulated pixel data holds no fragments")
        }
        if !basicOffsets.isEmpty {
            return try framesFromBasicOffsets(frames: frames)
        }
        if let extended {
            return try framesFromExtendedOffsets(extended, frames: frames)
        }
        if fragments.count == frames {
            return fragments.map { [$0.value] }
        }
        if frames == 1 {
            return [fragments.map(\.value)]
        }
        guard fragments.count > frames else {
            throw .corrupt(source: source, detail: "\(frames) frames but only \(fragments.count) pixel data fragment(s)")
        }
        if splitAtEOI {
            var result: [[Range<Int>]] = []
            var current: [Range<Int>] = []
            for fragment in fragments {
                current.append(fragment.value)
                if Self.endsWithEOI(bytes[fragment.value]) {
                    result.append(current)
                    current = []
                }
            }
            if current.isEmpty, result.count == frames { return result }
        }
        throw .corrupt(source: source, detail: "cannot tell which of \(fragments.count) pixel data fragments "
                       + "make up each of \(frames) frames (no offset table)")
    }

    private func framesFromBasicOffsets(frames: Int) throws(DICOMError) -> [[Range<Int>]] {
        guard basicOffsets.count == frames else {
            throw .corrupt(source: source, detail: "Basic Offset Table lists \(basicOffsets.count) frame(s), "
                           + "Number of Frames says \(frames)")
        }
        var starts: [Int] = []
        for (index, offset) in basicOffsets.enumerated() {
            starts.append(try fragmentIndex(at: offset, entry: index, table: "Basic Offset Table"))
        }
        var result: [[Range<Int>]] = []
        for index in 0..<frames {
            let first = starts[index], next = index + 1 < frames ? starts[index + 1] : fragments.count
            guard first < next else {
                throw .corrupt(source: source, detail: "Basic Offset Table entry \(index) (offset \(basicOffsets[index])) "
                               + "does not increase")
            }
            result.append(fragments[first..<next].map(\.value))
        }
        return result
    }

    private func framesFromExtendedOffsets(_ extended: ExtendedOffsets, frames: Int) throws(DICOMError) -> [[Range<Int>]] {
        guard extended.offsets.count == frames, extended.lengths.count == frames else {
            throw .corrupt(source: source, detail: "Extended Offset Table lists \(extended.offsets.count) offsets and "
                           + "\(extended.lengths.count) lengths for \(frames) frame(s)")
        }
        var result: [[Range<Int>]] = []
        for index in 0..<frames {
            let offset = extended.offsets[index], length = extended.lengths[index]
            let fragment = fragments[try fragmentIndex(at: offset, entry: index, table: "Extended Offset Table")]
            guard length <= UInt64(fragment.value.count) else {
                throw .corrupt(source: source, detail: "Extended Offset Table gives frame \(index) \(length) bytes, "
                               + "its fragment holds \(fragment.value.count)")
            }
            result.append([fragment.value.lowerBound ..< fragment.value.lowerBound + Int(length)])
        }
        return result
    }

    /// The fragment whose item starts `offset` bytes after the first fragment's.
    private func fragmentIndex<Offset: BinaryInteger>(at offset: Offset, entry: Int,
                                                      table: String) throws(DICOMError) -> Int {
        let last = fragments[fragments.count - 1]
        let size = last.itemOffset + 8 + last.value.count
        guard offset >= 0, offset < size else {
            throw .corrupt(source: source, detail: "\(table) entry \(entry) (offset \(offset)) points past the end "
                           + "of the \(size) bytes of fragments")
        }
        // Fragments are in increasing item offset order: binary search.
        let target = Int(offset)
        var low = 0, high = fragments.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let value = fragments[middle].itemOffset
            if value == target { return middle }
            if value < target { low = middle + 1 } else { high = middle - 1 }
        }
        throw .corrupt(source: source, detail: "\(table) entry \(entry) (offset \(offset)) is not the start of a fragment")
    }

    /// Whether a JPEG-family fragment ends a codestream: FFD9, possibly padded with one zero byte.
    private static func endsWithEOI(_ data: ArraySlice<UInt8>) -> Bool {
        var end = data.endIndex
        if end > data.startIndex, data[end - 1] == 0 { end -= 1 }
        return end - data.startIndex >= 2 && data[end - 2] == 0xFF && data[end - 1] == 0xD9
    }
}
