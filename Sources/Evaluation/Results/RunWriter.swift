import Foundation
import Glibc
import Support

/// Appends results to a run file one line at a time, each line written with one `write(2)`
/// and then `fsync`ed, so Ctrl-C, a crash or a power cut loses at most the item in
/// progress, and `RunFile.read` finds at worst an incomplete last line, which it drops.
///
/// Run files are created private to the user (mode 0600): their answers come from a
/// department's own cases.
public final class RunWriter {
    public let path: String
    /// When resuming: the file as it was found (its results are the items not to run again).
    public let resumed: RunFile?
    private let fd: Int32

    /// A new run file starting with `header`, or, `resuming`, the existing one opened for
    /// appending after checking that its header matches (see `RunHeader.mismatch`) and
    /// cutting away an incomplete last line. Resuming a file that does not exist yet, or
    /// one that holds nothing complete, starts it afresh. Without `resuming`, an existing
    /// file is an error unless `overwrite` — hours of results are not replaced by accident.
    public init(path: String, header: RunHeader, resuming: Bool, overwrite: Bool = false) throws(RunFileError) {
        self.path = path
        if resuming, access(path, F_OK) == 0 {
            let file = try RunFile.read(path: path)
            if let found = file.header, let reason = found.mismatch(with: header) {
                throw RunFileError(file: path, "cannot resume: \(reason)")
            }
            if file.header == nil, !file.results.isEmpty {
                throw RunFileError(file: path, "cannot resume: the file has no run header line")
            }
            resumed = file
            fd = try Self.open(path, O_WRONLY | O_APPEND)
            do {
                try Self.truncate(fd, to: file.keptByteCount, path: path)
                if file.keptEndsWithoutNewline { try Self.write(fd, [0x0A], path: path) }
                if file.header == nil { try Self.write(fd, Self.line(header, path: path), path: path) }
                try Self.sync(fd, path: path)
            } catch {
                close(fd)
                throw error
            }
        } else {
            resumed = nil
            fd = try Self.open(path, O_WRONLY | O_CREAT | (overwrite ? O_TRUNC : O_EXCL))
            do {
                try Self.write(fd, Self.line(header, path: path), path: path)
                try Self.sync(fd, path: path)
            } catch {
                close(fd)
                throw error
            }
            Self.syncFolder(of: path)
        }
    }

    deinit { close(fd) }

    /// Records one result: written and on disk when this returns.
    public func append(_ result: ItemResult) throws(RunFileError) {
        try Self.write(fd, Self.line(result, path: path), path: path)
        try Self.sync(fd, path: path)
    }

    private static func line<T: Encodable>(_ value: T, path: String) throws(RunFileError) -> [UInt8] {
        do {
            return Array(try RunLineCoding.line(value).utf8) + [0x0A]
        } catch {
            throw RunFileError(file: path, "cannot encode a line: \(error)")
        }
    }

    private static func failure(_ what: String, _ path: String) -> RunFileError {
        RunFileError(file: path, "\(what): \(String(cString: strerror(errno)))")
    }

    private static func open(_ path: String, _ flags: Int32) throws(RunFileError) -> Int32 {
        var fd: Int32
        repeat { fd = Glibc.open(path, flags | O_CLOEXEC, 0o600) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            throw errno == EEXIST ? RunFileError(file: path, "already exists (resume it, or choose another file)")
                                  : failure("cannot open", path)
        }
        return fd
    }

    private static func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(RunFileError) {
        if let error = FileWrite.all(fd, bytes) { errno = error; throw failure("cannot write", path) }
    }

    private static func truncate(_ fd: Int32, to length: Int, path: String) throws(RunFileError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw failure("cannot cut the incomplete last line", path) }
    }

    private static func sync(_ fd: Int32, path: String) throws(RunFileError) {
        var result: Int32
        repeat { result = fsync(fd) } while result != 0 && errno == EINTR
        guard result == 0 else { throw failure("cannot flush to disk", path) }
    }

    /// The new file's name on disk too (best effort, as `AtomicFile` does).
    private static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let dir = Glibc.open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
    }
}
