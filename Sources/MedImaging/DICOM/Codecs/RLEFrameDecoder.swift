/// One frame of RLE Lossless (PS3.5 Annex G), decoded here: the format is small, fully
/// specified, and not worth a C library.
///
/// A frame is a 64-byte header (the segment count, then up to 15 segment offsets), then
/// one PackBits segment per byte plane: sample-major, most significant byte first, so a
/// 16-bit RGB frame has six segments R-high, R-low, G-high… Each segment expands to exactly
/// rows × columns bytes; output past that (an encoder's padding byte) is ignored, as
/// pydicom does, and output short of it is an error.
///
/// Work and memory are bounded by the geometry, never by the header: the output is
/// allocated from rows × columns × samples before a segment is read, every offset is
/// checked against the frame, and decoding a segment stops as soon as its plane is full.
enum RLEFrameDecoder {
    static let headerBytes = 64
    static let maxSegments = 15

    static func decode(_ frame: [UInt8], geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> PixelSamples {
        guard frame.count >= headerBytes else {
            throw .truncated(source: source, detail: "RLE frame is \(frame.count) bytes, shorter than its 64-byte header")
        }
        let segmentCount = Int(u32(frame, at: 0))
        guard segmentCount <= maxSegments else {
            throw .corrupt(source: source, detail: "RLE header lists \(segmentCount) segments (at most \(maxSegments))")
        }
        let bytesPerSample = geometry.bitsAllocated / 8
        let planes = geometry.samplesPerPixel * bytesPerSample
        guard segmentCount == planes else {
            throw .corrupt(source: source, detail: "RLE header lists \(segmentCount) segments, "
                           + "\(geometry.samplesPerPixel) sample(s) of \(geometry.bitsAllocated) bits need \(planes)")
        }
        var offsets = (0..<segmentCount).map { Int(u32(frame, at: 4 + 4 * $0)) }
        for (index, offset) in offsets.enumerated() {
            guard offset >= headerBytes, offset <= frame.count else {
                throw .corrupt(source: source, detail: "RLE segment \(index) offset \(offset) lies outside the "
                               + "\(frame.count)-byte frame")
            }
            guard index == 0 || offset >= offsets[index - 1] else {
                throw .corrupt(source: source, detail: "RLE segment \(index) offset \(offset) is before segment \(index - 1)'s")
            }
        }
        offsets.append(frame.count)

        let pixels = geometry.rows * geometry.columns
        let fix = DICOMPixelDecoder.bitFixer(bitsStored: geometry.bitsStored, width: geometry.bitsAllocated,
                                             signed: geometry.isSigned)
        // One plane at a time into the interleaved output: memory is the frame's samples plus one plane.
        var plane = [UInt8](repeating: 0, count: pixels)
        func assemble<Sample: FixedWidthInteger>(_: Sample.Type) throws(DICOMError) -> [Sample] {
            let samples = geometry.samplesPerPixel
            var output = [Sample](repeating: 0, count: pixels * samples)
            for segment in 0..<segmentCount {
                let produced = expand(frame[offsets[segment] ..< offsets[segment + 1]], into: &plane)
                guard produced == pixels else {
                    throw .corrupt(source: source, detail: "RLE segment \(segment) decodes to \(produced) bytes, \(pixels) expected")
                }
                let sample = segment / bytesPerSample
                let shift = 8 * (bytesPerSample - 1 - segment % bytesPerSample)
                for pixel in 0..<pixels { output[pixel * samples + sample] |= Sample(plane[pixel]) << shift }
            }
            if geometry.bitsStored < geometry.bitsAllocated {
                for index in output.indices { output[index] = Sample(truncatingIfNeeded: fix(Int(output[index]))) }
            }
            return output
        }
        guard bytesPerSample == 1 else { return .sixteen(try assemble(UInt16.self)) }
        var samples = try assemble(UInt8.self)
        // pydicom's `pixel_array` gives RGB for YBR_FULL; `DICOMPixelModule` allows it only at 8 bits.
        if geometry.photometricInterpretation == "YBR_FULL" { YBRFullToRGB.convert(&samples) }
        return .eight(samples)
    }

    /// PackBits: a header byte n then n + 1 literal bytes (n ≥ 0), or one byte repeated
    /// 1 − n times (n < 0), with −128 a no-op. Stops when `plane` is full or the segment
    /// ends (a run cut off by the end counts what it could copy); returns the bytes written.
    static func expand(_ segment: ArraySlice<UInt8>, into plane: inout [UInt8]) -> Int {
        var written = 0
        var position = segment.startIndex
        let end = segment.endIndex, capacity = plane.count
        while written < capacity, position < end {
            let header = Int(Int8(bitPattern: segment[position]))
            position += 1
            if header >= 0 {
                let count = min(header + 1, end - position, capacity - written)
                for index in 0..<count { plane[written + index] = segment[position + index] }
                written += count
                position += header + 1
            } else if header != -128 {
                guard position < end else { break }
                let count = min(1 - header, capacity - written)
                let value = segment[position]
                for index in 0..<count { plane[written + index] = value }
                written += count
                position += 1
            }
        }
        return written
    }

    private static func u32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }
}
