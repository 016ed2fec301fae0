#if arch(x86_64)
import KernelsAVX512

/// A batch of activation rows rounded to bf16 (to nearest even) for `avx512BF16MatmulPanel`:
/// each row padded with zeros to whole pairs, the rows padded with zero rows to a multiple of
/// the kernel's 8-token tile. Converted once per product, spread over the cores.
final class BF16Activations {
    let pairs: Int
    /// Padded row count (a multiple of 8).
    let tokens: Int
    /// Tokens per job: as many as keep the block's bf16 rows within about 256 KB (a core's
    /// L2 holds them while every panel of a job passes over them), 8 to 256.
    let tokensPerBlock: Int
    private let values: UnsafeMutablePointer<UInt16>

    init(_ x: UnsafePointer<Float>, rows n: Int, count k: Int) {
        let tile = bf16TileTokens
        pairs = (k + 1) / 2
        tokens = (n + tile - 1) / tile * tile
        tokensPerBlock = max(tile, min(256, (256 << 10) / (4 * pairs) / tile * tile))
        values = .allocate(capacity: tokens * 2 * pairs)
        let width = 2 * pairs, values = values
        (values + n * width).initialize(repeating: 0, count: (tokens - n) * width)
        let chunks = n >= 16 ? min(n / 8, 4 * WorkerThreads.count) : 1
        parallelFor(chunks) { c in
            for t in (n * c / chunks)..<(n * (c + 1) / chunks) {
                avx512FloatsToBF16(x + t * k, count: k, into: values + t * width, paddedCount: width)
            }
        }
    }

    deinit { values.deallocate() }

    func row(_ t: Int) -> UnsafeRawPointer { UnsafeRawPointer(values + t * 2 * pairs) }
}
#endif
