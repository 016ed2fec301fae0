/// Writes stored samples as a NumPy `.npy` file (format version 1.0), byte for byte what
/// `numpy.save` writes for the same array, so `numpy.load` gives exactly pydicom's
/// `pixel_array` for a DICOM file: the same dtype (`|u1`, `|i1`, `<u2`, `<i2` from Bits
/// Allocated and the sign) and the same shape, in C order.
///
/// The header is numpy's: the dict `{'descr': …, 'fortran_order': False, 'shape': (…), }`,
/// then spaces so the first axis can grow to 21 digits in place, then padding so the data
/// starts on a 64-byte boundary, ending with a newline.
public enum NPYEncoder {
    /// numpy's `ARRAY_ALIGN`: the data starts at a multiple of this.
    static let alignment = 64
    /// numpy's `GROWTH_AXIS_MAX_DIGITS`.
    static let growthDigits = 21

    /// The `.npy` bytes of `samples[range]` (all of them by default) with `shape`
    /// (whose product must be the sample count), signed or not.
    public static func encode(_ samples: PixelSamples, range: Range<Int>? = nil, signed: Bool, shape: [Int]) -> [UInt8] {
        let range = range ?? 0..<samples.count
        precondition(shape.reduce(1, *) == range.count, "the shape must hold every sample")
        var bytes = header(descr: descr(bitDepth: samples.bitDepth, signed: signed), shape: shape)
        switch samples {
        case .eight(let values):
            bytes += values[range]
        case .sixteen(let values):
            bytes.reserveCapacity(bytes.count + 2 * range.count)
            for value in values[range] {
                bytes.append(UInt8(truncatingIfNeeded: value))
                bytes.append(UInt8(truncatingIfNeeded: value >> 8))
            }
        }
        return bytes
    }

    /// The dtype: one byte has no byte order (`|`), two are little-endian (`<`).
    static func descr(bitDepth: Int, signed: Bool) -> String {
        (bitDepth == 8 ? "|" : "<") + (signed ? "i" : "u") + String(bitDepth / 8)
    }

    /// Magic, version 1.0, header length and the padded header dict.
    static func header(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let axis = shape.first { dict += String(repeating: " ", count: max(0, growthDigits - String(axis).count)) }
        let length = dict.utf8.count + 1  // with the final newline
        let padding = alignment - (10 + length) % alignment
        let total = length + padding
        precondition(total <= Int(UInt16.max), "a version 1.0 header is at most 65535 bytes")
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(total & 0xFF), UInt8(total >> 8)]
        bytes += Array(dict.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        return bytes
    }
}
