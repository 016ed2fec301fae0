/// glibc's `mallopt`, which Swift's Glibc module does not export (`<malloc.h>` is not in it).
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// Makes freed memory stay in the process instead of going back to the kernel.
///
/// A training step allocates and frees the same large activation and logit buffers every
/// time; by default glibc serves each from a fresh `mmap` (or trims the heap after it) and
/// the kernel zero-fills new pages on the next step — a fifth of a run spent clearing pages.
/// With no `mmap` for allocations and no trimming, a freed buffer is reused as it is: the
/// peak resident size is unchanged, the clearing is gone. For long batch work only (the
/// interactive tools return memory as usual).
enum KeptFreedMemory {
    private static let trimThreshold: Int32 = -1    // M_TRIM_THRESHOLD
    private static let mmapMax: Int32 = -4          // M_MMAP_MAX

    static func enable() {
        _ = mallopt(mmapMax, 0)
        _ = mallopt(trimThreshold, Int32.max)
    }
}
