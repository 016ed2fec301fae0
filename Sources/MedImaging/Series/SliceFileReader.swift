import Glibc

/// Reads the first bytes of a slice file, or all of it, for a series.
///
/// Sorting a series needs only each file's header, so the folder scan reads a short
/// prefix and goes back for the whole file only when the header runs past it. Unlike
/// `FileBytes` it follows symbolic links (PACS exports and hand-made series folders
/// often link slices), while still refusing anything that is not a regular file before
/// opening it, so a FIFO or a device in the folder cannot block or feed endless bytes.
enum SliceFileReader {
    enum Failure: Error, Equatable {
        case missing
        case notRegular
        case tooLarge(size: Int)
        case ioError(String)

        /// A short reason for error messages.
        func reason(limit: Int) -> String {
            switch self {
            case .missing: return "no such file"
            case .notRegular: return "not a regular file"
            case .tooLarge(let size): return "\(size) bytes exceeds the limit of \(limit) bytes"
            case .ioError(let reason): return reason
            }
        }
    }

    /// Bytes a header read starts with; most DICOM headers end well before this.
    static let headerPrefix = 64 << 10

    /// Up to `count` bytes from the start of the file at `path`, and the file's size;
    /// a file over `limit` bytes is refused from its size.
    static func read(path: String, upTo count: Int, limit: Int) -> Result<(bytes: [UInt8], size: Int), Failure> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(errno == ENOENT ? .missing : .ioError(lastError())) }
        guard info.st_mode & 0o170000 == 0o100000 else { return .failure(.notRegular) }
        let size = Int(info.st_size)
        guard size <= limit else { return .failure(.tooLarge(size: size)) }
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { return .failure(.ioError(lastError())) }
        defer { close(fd) }
        let wanted = min(count, size)
        var bytes = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        while filled < wanted {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, wanted - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.ioError(lastError()))
            }
            if n == 0 { break }  // the file shrank since stat
            filled += n
        }
        bytes.removeSubrange(filled...)
        return .success((bytes, size))
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
