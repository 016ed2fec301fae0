import Foundation

/// How many cores the kernels spread work over (default: all). `medgemma bench -t` and
/// `--threads` set it before any work starts.
public enum WorkerThreads {
    nonisolated(unsafe) public static var count: Int = ProcessInfo.processInfo.activeProcessorCount
}
