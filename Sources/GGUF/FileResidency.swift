import Glibc
import Support

/// Where a file's bytes live once `MappedFile` has opened it.
///
/// Decode reads every weight once per token, so its speed is the speed at which a core
/// streams the weights from memory. Read through 4 KB page-cache pages (mmap), a 2-core
/// AMD EPYC machine streamed 11–20 GB/s; the same bytes in anonymous memory on 2 MB
/// transparent huge pages, 28–30 GB/s (plain 64-byte loads on 2 threads). So a large
/// model's weights are read into memory when they fit, and mapped when they don't (the
/// kernel may then drop and re-read clean pages rather than run out). On the virtual
/// machines this was measured on, 4B decode A/B pairs were mostly faster in memory (+5% to
/// +60%) but not always (−35% in some minutes): the host backs fresh guest memory as it
/// pleases. `MEDGEMMA_WEIGHTS=mapped` is the switch for comparing.
/// Small files stay mapped: reading costs every fresh page a zeroing by the kernel (on these
/// virtual machines up to 5 s per GB where the host must back the pages anew), which a
/// short command or a test on a 270M model would pay on every load for little gain.
public enum FileResidency: String, Sendable, Equatable {
    /// mmap of the file: nothing is read until touched; pages may be dropped under pressure.
    case mapped
    /// Read once into anonymous memory, 2 MB-aligned and advised for huge pages, then
    /// made read-only.
    case memory
    /// `memory` for files of at least `minimumResidentSize` that fit in what the system
    /// reports available with a margin (`memoryMargin`), else `mapped`;
    /// `MEDGEMMA_WEIGHTS=mapped` maps them regardless.
    case memoryIfItFits = "auto"

    /// Headroom left for the KV cache, activations and everything else.
    public static let memoryMargin = 1 << 30
    /// Smaller files stay mapped (MedGemma 4B Q4_K_M is 2.5 GB, gemma-3-270m 0.25 GB).
    public static let minimumResidentSize = 1 << 30

    /// The concrete choice for a file of `size` bytes (`mapped` or `memory`).
    func resolved(size: Int, environment: String? = getenv("MEDGEMMA_WEIGHTS").map { String(cString: $0) },
                  available: () -> Int? = FileResidency.availableMemory) -> FileResidency {
        if self != .memoryIfItFits { return self }
        if let environment, ["mapped", "mmap"].contains(environment.lowercased()) { return .mapped }
        guard size >= Self.minimumResidentSize, let available = available() else { return .mapped }
        return size <= available - Self.memoryMargin ? .memory : .mapped
    }

    /// Memory available to this process (`SystemMemory`; nil where it cannot be read).
    public static func availableMemory() -> Int? {
        SystemMemory.available()
    }
}
