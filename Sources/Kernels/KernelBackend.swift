/// Which kernel implementation runs on this CPU, for `bench` and the status bar.
public enum KernelBackend {
    public static var name: String {
        switch KernelPath.active {
        case .avx2: return "AVX2"
        case .portable: return "portable SIMD"
        }
    }
}
