import Glibc
import Support

/// A whole file mapped read-only (`mmap`), unmapped when the last tensor view lets go.
///
/// PEFT folders may carry whole embedding matrices (`modules_to_save`, 1.3 GB for the 4B
/// model): mapped, only the pages a caller converts are ever read. The same as GGUF's
/// `MappedFile` without its read-into-memory mode, which small adapters do not need.
final class FileMapping: @unchecked Sendable {
    let size: Int
    /// The file's bytes (empty for an empty file).
    let bytes: UnsafeRawBufferPointer
    /// The mapping's slot in `MappedFileFaults` (a SIGBUS in it becomes one line).
    private var faultSlot: Int?

    init(path: String) throws(SafeTensorsError) {
        // O_NONBLOCK: a FIFO must not wait for a writer (it is then refused as not a file).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw SafeTensorsError(file: path, .cannotOpen(reason: String(cString: strerror(errno)))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SafeTensorsError(file: path, .cannotOpen(reason: String(cString: strerror(errno)))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw SafeTensorsError(file: path, .notAFile) }
        size = Int(st.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else {
            throw SafeTensorsError(file: path, .cannotOpen(reason: "mmap: " + String(cString: strerror(errno))))
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
        faultSlot = MappedFileFaults.register(p, length: size, path: path)
    }

    deinit {
        MappedFileFaults.unregister(faultSlot)
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }
}
