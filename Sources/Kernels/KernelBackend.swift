/// Which kernel implementation runs on this CPU, for `bench`, `info --system` and the status bar.
public enum KernelBackend {
    public static var name: String {
        switch KernelPath.active {
        case .avx512vnni: return "AVX-512 VNNI"
        case .avx2: return "AVX2"
        case .portable: return "portable SIMD"
        }
    }
}
