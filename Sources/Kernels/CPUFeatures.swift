#if arch(x86_64)
import _Builtin_intrinsics.intel.cpuid
#endif
import Foundation
import Glibc

/// Which implementation of the quantized kernels runs: the portable Swift loops and OpenBLAS
/// (the reference, on every CPU), the AVX2 kernels of `KernelsAVX2` (x86-64 with AVX2, FMA
/// and F16C), the same with AVX-VNNI's 256-bit `vpdpbusd` for prompt batches
/// (`KernelsAVXVNNI`), or the AVX-512 kernels of `KernelsAVX512` for prompt batches, the
/// vision tower and the Q4_K/Q6_K rows of decode (AVX2 for the other rows). Chosen once per
/// process from the CPU and the `MEDGEMMA_KERNELS` environment variable: `portable`, `avx2`,
/// `avxvnni` or `avx512vnni` ask for that path (still only if the CPU has it), anything else
/// or unset picks the fastest supported.
public enum KernelPath: String, Sendable, CaseIterable {
    case portable
    case avx2
    case avxvnni
    case avx512vnni

    /// What this CPU can run, fastest first.
    public static let supported: [KernelPath] =
        (CPUFeatures.avx512VNNI ? [.avx512vnni] : []) + (CPUFeatures.avxVNNI ? [.avxvnni] : [])
            + (CPUFeatures.avx2 ? [.avx2] : []) + [.portable]

    /// Whether the AVX2 row kernels (decode) run: on the AVX2 path and every path above it.
    var usesAVX2: Bool { self != .portable }

    /// The path the kernels take, read once (the environment, then the CPU).
    public static var active: KernelPath { activeOverride ?? defaultPath }

    static let defaultPath: KernelPath =
        resolve(environment: getenv("MEDGEMMA_KERNELS").map { String(cString: $0) }, supported: supported)

    /// `MEDGEMMA_KERNELS` → path: a supported path by name (any case); an unsupported one
    /// falls back to portable; unset, empty or unknown ("auto") takes the fastest supported.
    static func resolve(environment value: String?, supported: [KernelPath]) -> KernelPath {
        if let value, let requested = KernelPath(rawValue: value.lowercased()) {
            return supported.contains(requested) ? requested : .portable
        }
        return supported[0]
    }

    /// Tests switch paths in-process; production code never sets this.
    nonisolated(unsafe) static var activeOverride: KernelPath?

    /// Runs `body` with `path` active (tests only; not thread-safe against concurrent callers).
    static func with<R>(_ path: KernelPath, _ body: () throws -> R) rethrows -> R {
        precondition(supported.contains(path), "\(path) kernels are not supported on this CPU")
        let saved = activeOverride
        activeOverride = path
        defer { activeOverride = saved }
        return try body()
    }
}

/// Run-time CPU feature checks, each computed once.
public enum CPUFeatures {
    /// AVX2, FMA and F16C usable: the CPU reports them (cpuid leaves 1 and 7) and the OS saves
    /// the YMM registers (OSXSAVE; on Linux also the kernel's own flag list, which drops AVX
    /// features whose register state the kernel does not enable).
    public static let avx2: Bool = detectAVX2()

    /// AVX-512 F/BW/VL/DQ with VNNI (`vpdpbusd` on 512-bit registers), on top of `avx2`: the
    /// CPU reports them (cpuid leaf 7) and the OS saves the ZMM and opmask state (on Linux,
    /// the kernel's flag list).
    public static let avx512VNNI: Bool = avx2 && detectAVX512VNNI()

    /// AVX-512 BF16 (`vdpbf16ps`, `vcvtne2ps2bf16`), on top of `avx512VNNI`: with the
    /// `avx512vnni` path it runs the vision tower's F16/BF16 products (`bf16Matmul`).
    public static let avx512BF16: Bool = avx512VNNI && hasLinuxFlags(["avx512_bf16"])

    /// AVX-VNNI (the VEX-encoded 256-bit `vpdpbusd`): the `avxvnni` path's matrix kernel.
    public static let avxVNNI: Bool = avx2 && hasLinuxFlags(["avx_vnni"])

    /// The instruction-set extensions the kernels look at, as /proc/cpuinfo names them.
    public static var summary: [String] {
        [("avx2", avx2), ("avx512_vnni", avx512VNNI), ("avx512_bf16", avx512BF16), ("avx_vnni", avxVNNI)]
            .filter(\.1).map(\.0)
    }

    private static func detectAVX512VNNI() -> Bool {
        #if arch(x86_64)
        var eax: UInt32 = 0, ebx: UInt32 = 0, ecx: UInt32 = 0, edx: UInt32 = 0
        guard __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) != 0 else { return false }
        // F (16), DQ (17), BW (30), VL (31); VNNI is ecx bit 11.
        let needed: UInt32 = 1 << 16 | 1 << 17 | 1 << 30 | 1 << 31
        guard ebx & needed == needed, ecx & (1 << 11) != 0 else { return false }
        return hasLinuxFlags(["avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni"])
        #else
        return false
        #endif
    }

    /// All of `names` are in /proc/cpuinfo's flags (false where it cannot be read).
    private static func hasLinuxFlags(_ names: [Substring]) -> Bool {
        guard let flags = linuxCPUFlags() else { return false }
        return names.allSatisfy(flags.contains)
    }

    private static func detectAVX2() -> Bool {
        #if arch(x86_64)
        var eax: UInt32 = 0, ebx: UInt32 = 0, ecx: UInt32 = 0, edx: UInt32 = 0
        guard __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 else { return false }
        let fma = ecx & (1 << 12) != 0, osxsave = ecx & (1 << 27) != 0
        let avx = ecx & (1 << 28) != 0, f16c = ecx & (1 << 29) != 0
        guard fma, osxsave, avx, f16c else { return false }
        guard __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) != 0, ebx & (1 << 5) != 0 else { return false }
        if let flags = linuxCPUFlags() {
            return ["avx", "avx2", "fma", "f16c"].allSatisfy(flags.contains)
        }
        return true
        #else
        return false
        #endif
    }

    /// The processor's name as the OS reports it ("model name" in /proc/cpuinfo), if known.
    public static let modelName: String? = cpuinfoLine("model name").map { $0.trimmingCharacters(in: .whitespaces) }

    /// The `flags` line of /proc/cpuinfo, or nil when it cannot be read.
    private static func linuxCPUFlags() -> Set<Substring>? {
        cpuinfoLine("flags").map { Set($0.split(whereSeparator: { $0 == " " || $0 == "\t" })) }
    }

    /// The value of the first /proc/cpuinfo line named `key`, without its newline.
    private static func cpuinfoLine(_ key: String) -> String? {
        guard let f = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, f) > 0 {
            let text = String(cString: line!)
            if text.hasPrefix(key), let colon = text.firstIndex(of: ":") {
                return String(text[text.index(after: colon)...].dropLast(text.hasSuffix("\n") ? 1 : 0))
            }
        }
        return nil
    }
}
