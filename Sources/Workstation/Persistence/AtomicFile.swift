import Glibc
import Foundation
import Support

/// Writes a file so that it is either the old one or the complete new one, never half of
/// each, even after a crash or power loss: a temporary file in the same folder, written
/// and fsync'd, renamed over the target, then the folder fsync'd. Files are private to
/// the user (mode 0600 unless asked otherwise): transcripts and reports are clinical work.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot save: \(reason)" }
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600,
                             createFolders: Bool = true) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        func failure(_ what: String) -> WriteError {
            WriteError(path: path, reason: "\(what) (\(String(cString: strerror(errno))))")
        }
        if createFolders {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw WriteError(path: path, reason: "cannot create the folder \(folder)")
            }
        }
        let temporary = folder + "/." + ((path as NSString).lastPathComponent) + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw failure("cannot create a file in \(folder)") }
        let writeError = FileWrite.all(fd, bytes)
        let ok = writeError == nil && fsync(fd) == 0
        let saved = writeError ?? errno
        close(fd)
        guard ok else {
            errno = saved
            let error = failure("write failed")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot replace the file")
            unlink(temporary)
            throw error
        }
        let dir = open(folder, O_RDONLY | O_DIRECTORY)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws(WriteError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }
}
