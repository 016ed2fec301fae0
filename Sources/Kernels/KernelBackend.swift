/// Which kernel implementation runs on this CPU, for `bench` and the status bar.
public enum KernelBackend {
    public static var name: String { "portable SIMD" }
}
