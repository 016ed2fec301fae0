import Glibc

/// Reads a whole file, or all of a stream such as standard input, into memory.
///
/// The one reader for text a user hands to a command (a prompt, a corpus, a benchmark
/// input): a read interrupted by a signal (EINTR, e.g. a resized terminal) is retried
/// rather than taken for the end of the input, any other failure is reported in one line
/// naming the file, and input past `limit` bytes is refused, so an endless stream
/// (`/dev/zero`, a runaway pipe) cannot exhaust memory.
public enum WholeFile {
    /// A generous cap for text given to a command: far beyond any prompt or corpus,
    /// well short of exhausting memory.
    public static let textLimit = 512 << 20

    /// The bytes of the file at `path`.
    public static func read(path: String, limit: Int) throws(WholeFileError) -> [UInt8] {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw WholeFileError(file: path, .cannotOpen(reason: reason(errno))) }
        defer { close(fd) }
        return try read(descriptor: fd, name: path, limit: limit)
    }

    /// Everything left to read from `descriptor` (not closed here); `name` is what an
    /// error calls it ("standard input").
    public static func read(descriptor: Int32, name: String, limit: Int) throws(WholeFileError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WholeFileError(file: name, .cannotRead(reason: reason(errno)))
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
            if bytes.count > limit { throw WholeFileError(file: name, .tooLarge(limit: limit)) }
        }
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
