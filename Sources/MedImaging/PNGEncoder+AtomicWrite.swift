import Foundation

extension PNGEncoder {
    /// Writes `bytes` to `path` so that readers see either the old file or the whole
    /// new one: a temporary file in the same folder (so `rename` stays on one file
    /// system and is atomic), `fsync`, `rename`, then an `fsync` of the folder so the
    /// rename itself survives a power cut. The temporary file is removed on failure.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(PNGEncoderError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .writeFailed(destination: path, reason: "cannot create \(temporary): \(lastError())") }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }  // nothing to write
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = lastError()
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = "fsync: \(lastError())" }
        if close(fd) != 0 && failure == nil { failure = "close: \(lastError())" }
        if failure == nil && rename(temporary, path) != 0 { failure = "rename into place: \(lastError())" }
        if let failure {
            unlink(temporary)
            throw .writeFailed(destination: path, reason: failure)
        }
        // Best effort: the data is already safe in the renamed file.
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
