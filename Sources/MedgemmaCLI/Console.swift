import Glibc

/// Unbuffered writes to standard output and standard error.
public enum Console {
    public static func out(_ text: String) {
        write(text, to: stdout)
    }

    public static func err(_ text: String) {
        write(text, to: stderr)
    }

    /// Whether standard error is a terminal: progress lines that redraw themselves with
    /// `\r` are only written there, never into a log file or a pipe.
    public static var errIsTerminal: Bool { isatty(2) == 1 }

    private static func write(_ text: String, to stream: UnsafeMutablePointer<FILE>?) {
        fputs(text, stream)
        fflush(stream)
    }
}
