import Glibc
import Support

/// A whole file in memory, read-only: mapped from the page cache, or read once into
/// anonymous huge-page memory (`FileResidency`). Tensor views point straight into it, so
/// weights are never copied again; the bytes live as long as any view holds this object.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let size: Int
    /// The file's bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer
    /// Where the bytes live: `mapped` or `memory` (never `memoryIfItFits`).
    public let residency: FileResidency
    /// The region to unmap: the mapping itself, or the aligned anonymous region around it.
    private let region: UnsafeMutableRawBufferPointer?
    /// The mapping's slot in `MappedFileFaults` (a SIGBUS in it becomes one line).
    private var faultSlot: Int?

    /// 2 MB: the huge-page size on x86-64 and the usual one on arm64 Linux.
    static let hugePage = 2 << 20
    /// Bytes per `pread` (a hostile size field never reaches this: the size is `fstat`'s).
    static let readChunk = 64 << 20

    public init(path: String, residency wanted: FileResidency = .mapped) throws(GGUFError) {
        self.path = path
        // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not a
        // regular file); it changes nothing for regular files, mmap or pread.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw GGUFError(file: path, .cannotOpen(reason: String(cString: strerror(errno)))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw GGUFError(file: path, .cannotOpen(reason: String(cString: strerror(errno)))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw GGUFError(file: path, .notAFile) }
        size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            residency = .mapped
            region = nil
            return
        }
        if wanted.resolved(size: size) == .memory, let copy = Self.readIntoMemory(fd, size: size) {
            region = copy.region
            bytes = copy.bytes
            residency = .memory
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw GGUFError(file: path, .cannotOpen(reason: "mmap: " + String(cString: strerror(errno)))) }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
        region = UnsafeMutableRawBufferPointer(start: p, count: size)
        residency = .mapped
        faultSlot = MappedFileFaults.register(p, length: size, path: path)
    }

    deinit {
        MappedFileFaults.unregister(faultSlot)
        if let region, let base = region.baseAddress { munmap(base, region.count) }
    }

    /// The file read into a huge-page-aligned anonymous region advised for huge pages, made
    /// read-only; nil (the caller maps the file instead) when memory can't be had or a read
    /// fails — a file that shrinks while being read is then caught by the mapping's parse.
    private static func readIntoMemory(_ fd: Int32, size: Int)
        -> (region: UnsafeMutableRawBufferPointer, bytes: UnsafeRawBufferPointer)? {
        let length = size + hugePage
        guard let raw = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            return nil
        }
        let region = UnsafeMutableRawBufferPointer(start: raw, count: length)
        let start = raw + (hugePage - Int(bitPattern: raw) % hugePage) % hugePage
        _ = madvise(start, size, MADV_HUGEPAGE)
        var done = 0
        while done < size {
            let n = pread(fd, start + done, min(size - done, readChunk), off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                munmap(raw, length)
                return nil
            }
            done += n
        }
        _ = mprotect(start, size, PROT_READ)
        return (region, UnsafeRawBufferPointer(start: start, count: size))
    }
}

extension MappedFile {
    /// Lets the process's mapping of `range` go (`MADV_DONTNEED` on the whole pages inside
    /// it): a mapped file's pages are read back from the page cache if touched again, so
    /// this only keeps a single pass over a large file — an export streaming a model out —
    /// from accumulating the whole file in its resident memory. Does nothing for a file
    /// read into memory.
    public func releasePages(_ range: Range<Int>) {
        guard residency == .mapped, let base = bytes.baseAddress, range.lowerBound >= 0, range.upperBound <= size else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page, end = range.upperBound / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
