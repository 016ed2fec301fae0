/// One tensor of a `SafeTensorsFile`: its header entry and a view of its bytes in the
/// mapped file (which it keeps alive). Nothing is read until `floats()` or `withBytes`.
public struct SafeTensor: Sendable {
    public let name: String
    public let dtype: SafeTensorsDType
    /// Outermost dimension first, as PyTorch's `shape` (a Linear's weight is `[out, in]`).
    public let shape: [Int]
    /// The file the tensor is in (for error messages).
    public let path: String
    /// Absolute byte range in the file.
    public let fileRange: Range<Int>
    let mapping: FileMapping

    /// Elements in the tensor: the product of `shape` (1 for a scalar's `[]`).
    public var elementCount: Int { fileRange.count / dtype.size }

    /// The tensor's raw bytes for a caller that keeps them past a closure: valid as long as
    /// `owner` is kept alive (a zero-copy view handed to the model side).
    public var unsafeBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: mapping.bytes[fileRange]) }

    /// What keeps `unsafeBytes` mapped.
    public var owner: AnyObject { mapping }

    /// The tensor's raw little-endian bytes, valid only inside `body`.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: mapping.bytes[fileRange]))
    }

    /// Every element as `Float`, in row-major order. F16 and BF16 convert exactly; any
    /// other dtype is refused naming it (an integer or 8-bit float tensor is not a LoRA
    /// matrix, and guessing its scale would be wrong).
    public func floats() throws(SafeTensorsError) -> [Float] {
        let n = elementCount
        var out = [Float](repeating: 0, count: n)
        switch dtype {
        case .f32:
            withBytes { src in
                out.withUnsafeMutableBufferPointer { o in
                    for k in 0..<n { o[k] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))) }
                }
            }
        case .f16:
            withBytes { src in
                out.withUnsafeMutableBufferPointer { o in
                    for k in 0..<n { o[k] = Self.half(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self))) }
                }
            }
        case .bf16:
            withBytes { src in
                out.withUnsafeMutableBufferPointer { o in
                    for k in 0..<n {
                        o[k] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self))) << 16)
                    }
                }
            }
        default:
            throw SafeTensorsError(file: path, .notFloating(tensor: name, dtype: dtype.rawValue))
        }
        return out
    }

    /// IEEE binary16 to binary32, exact for every value (subnormals, infinities, NaNs),
    /// without relying on `Float16`, which not every platform's Swift has.
    static func half(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }
}
