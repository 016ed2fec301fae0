#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to standard output and standard error.
public enum Console {
    public static func out(_ text: String) {
        write(text, to: stdout)
    }

    public static func err(_ text: String) {
        write(text, to: stderr)
    }

    private static func write(_ text: String, to stream: UnsafeMutablePointer<FILE>?) {
        fputs(text, stream)
        fflush(stream)
    }
}
