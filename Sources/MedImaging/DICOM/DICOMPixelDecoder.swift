/// Turns native (uncompressed, little-endian) pixel data into `PixelSamples`.
///
/// Bits above Bits Stored are masked off for unsigned data and replaced by the sign
/// bit for signed data (two's complement sign extension), which is what pydicom does
/// and what the stored-value semantics of `MedicalImage` expect. Colour-by-plane data
/// (Planar Configuration 1) is interleaved so every image has the same layout.
enum DICOMPixelDecoder {
    /// All frames; `module` has already checked that the bytes are there.
    /// YBR_FULL and YBR_FULL_422 (8-bit) come out as RGB, as from pydicom's `pixel_array`.
    static func decode(bytes: [UInt8], module: DICOMPixelModule) -> PixelSamples {
        switch module.storedPhotometric {
        case "YBR_FULL_422":
            return .eight(NativeYBR.rgb(fromFull422: bytes, module: module))
        case "YBR_FULL":
            guard case .eight(var samples) = decodeStored(bytes: bytes, module: module) else { break }
            YBRFullToRGB.convert(&samples)
            return .eight(samples)
        default:
            break
        }
        return decodeStored(bytes: bytes, module: module)
    }

    /// The stored samples, interleaved, with their unused bits corrected.
    private static func decodeStored(bytes: [UInt8], module: DICOMPixelModule) -> PixelSamples {
        let pixelsPerFrame = module.rows * module.columns
        let samples = module.samplesPerPixel
        let count = pixelsPerFrame * samples * module.frames
        let planar = module.planarConfiguration == 1 && samples > 1
        // Sample index in the file for output index `i` (interleaved order).
        @inline(__always) func sourceIndex(_ i: Int) -> Int {
            guard planar else { return i }
            let frameSamples = pixelsPerFrame * samples
            let frame = i / frameSamples, within = i % frameSamples
            return frame * frameSamples + (within % samples) * pixelsPerFrame + within / samples
        }
        let start = module.pixelDataOffset
        return bytes.withUnsafeBufferPointer { buffer -> PixelSamples in
            if module.bitsAllocated == 8 {
                let fix = bitFixer(bitsStored: module.bitsStored, width: 8, signed: module.isSigned)
                return .eight([UInt8](unsafeUninitializedCapacity: count) { out, written in
                    for i in 0..<count { out[i] = UInt8(truncatingIfNeeded: fix(Int(buffer[start + sourceIndex(i)]))) }
                    written = count
                })
            }
            let fix = bitFixer(bitsStored: module.bitsStored, width: 16, signed: module.isSigned)
            return .sixteen([UInt16](unsafeUninitializedCapacity: count) { out, written in
                for i in 0..<count {
                    let at = start + 2 * sourceIndex(i)
                    let raw = Int(buffer[at]) | Int(buffer[at + 1]) << 8
                    out[i] = UInt16(truncatingIfNeeded: fix(raw))
                }
                written = count
            })
        }
    }

    /// Masks (unsigned) or sign-extends (signed) a raw `width`-bit value from `bitsStored` bits,
    /// returning the bit pattern to store at `width` bits.
    static func bitFixer(bitsStored: Int, width: Int, signed: Bool) -> (Int) -> Int {
        let mask = (1 << bitsStored) - 1
        guard signed else { return { $0 & mask } }
        let signBit = 1 << (bitsStored - 1)
        let fill = ((1 << width) - 1) & ~mask
        return { raw in
            let value = raw & mask
            return value & signBit != 0 ? value | fill : value
        }
    }
}
