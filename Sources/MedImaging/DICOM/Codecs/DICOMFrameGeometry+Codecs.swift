/// What the frame codecs share: the geometry in words, and the sample store.
extension DICOMFrameGeometry {
    /// "64×64, 1 sample(s) of 12 bits stored in 16, unsigned", for mismatch messages.
    var summary: String {
        "\(columns)×\(rows), \(samplesPerPixel) sample(s) of \(bitsStored) bits stored in \(bitsAllocated), "
            + (isSigned ? "signed" : "unsigned")
    }

    /// The frame's samples from `value(i)` for each interleaved sample index, kept as the
    /// low 8 or 16 bits (`bitsAllocated`): two's complement for negative values, which is
    /// the sign-extended bit pattern `PixelSamples` holds for signed data.
    func samples(_ value: (Int) -> Int) -> PixelSamples {
        let count = sampleCount
        if bitsAllocated == 8 {
            return .eight([UInt8](unsafeUninitializedCapacity: count) { out, written in
                for i in 0..<count { out[i] = UInt8(truncatingIfNeeded: value(i)) }
                written = count
            })
        }
        return .sixteen([UInt16](unsafeUninitializedCapacity: count) { out, written in
            for i in 0..<count { out[i] = UInt16(truncatingIfNeeded: value(i)) }
            written = count
        })
    }

    /// Reinterprets a decoded value whose codec said the other signedness, as pydicom's
    /// sign correction does for JPEG 2000 and JPEG-LS: the low `precision` bits, sign-extended
    /// when the data set says signed, zero-extended when it says unsigned.
    func reinterpreted(_ value: Int, precision: Int) -> Int {
        let mask = (1 << precision) - 1
        let low = value & mask
        guard isSigned else { return low }
        return low & (1 << (precision - 1)) != 0 ? low - (1 << precision) : low
    }
}
