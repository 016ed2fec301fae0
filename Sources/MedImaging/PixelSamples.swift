/// The decoded samples of an image, row-major, channels interleaved, no row padding.
///
/// Kept as two typed arrays rather than one byte buffer so that 16-bit medical
/// images keep their full precision without every caller re-assembling bytes.
public enum PixelSamples: Sendable, Equatable {
    /// 8 bits per sample (also used for expanded 1/2/4-bit gray and palette images).
    case eight([UInt8])
    /// 16 bits per sample, native byte order.
    case sixteen([UInt16])

    /// Bits per sample: 8 or 16.
    public var bitDepth: Int {
        switch self {
        case .eight: return 8
        case .sixteen: return 16
        }
    }

    /// Total number of samples (width × height × channels).
    public var count: Int {
        switch self {
        case .eight(let samples): return samples.count
        case .sixteen(let samples): return samples.count
        }
    }

    /// The sample at a flat index, widened to `Int` so code can treat both depths alike.
    public subscript(index: Int) -> Int {
        switch self {
        case .eight(let samples): return Int(samples[index])
        case .sixteen(let samples): return Int(samples[index])
        }
    }
}
