import Glibc

/// The one reader of image files: a whole file, or the first bytes of one (a series scan
/// needs only each slice's header).
///
/// Anything that is not a regular file is refused from `stat` before it is opened, so a
/// FIFO or a device cannot block or feed endless bytes, and a file over `limit` is refused
/// from its size before anything is read. Symbolic links are followed: PACS exports and
/// hand-made series folders often link their slices.
enum FileBytes {
    enum Failure: Error, Equatable {
        case missing
        case directory
        case notRegular
        case tooLarge(size: Int)
        /// `open` or `read` failed; the system's reason.
        case ioError(String)

        /// A short reason for error messages.
        func reason(limit: Int) -> String {
            switch self {
            case .missing: return "no such file"
            case .directory: return "is a directory"
            case .notRegular: return "not a regular file"
            case .tooLarge(let size): return "\(size) bytes exceeds the limit of \(limit) bytes"
            case .ioError(let reason): return reason
            }
        }
    }

    /// Bytes a header read starts with; most DICOM headers end well before this.
    static let headerPrefix = 64 << 10

    /// The whole file at `path`.
    static func read(path: String, limit: Int) -> Result<[UInt8], Failure> {
        read(path: path, upTo: limit, limit: limit).map(\.bytes)
    }

    /// Up to `count` bytes from the start of the file at `path`, and the file's size.
    static func read(path: String, upTo count: Int, limit: Int) -> Result<(bytes: [UInt8], size: Int), Failure> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(errno == ENOENT ? .missing : .ioError(lastError())) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(.directory)
        default: return .failure(.notRegular)
        }
        let size = Int(info.st_size)
        guard size <= limit else { return .failure(.tooLarge(size: size)) }
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { return .failure(.ioError(lastError())) }
        defer { close(fd) }
        // At most the size `stat` saw: a file that grows meanwhile cannot exceed the limit.
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
