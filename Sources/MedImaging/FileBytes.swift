import Foundation

/// Reads a whole image file once, refusing it from its size before reading when it is
/// over a limit, so a huge or endless file (a FIFO, /dev/zero) cannot exhaust memory.
enum FileBytes {
    enum Failure: Error {
        case missing
        case directory
        case notRegular
        case tooLarge(size: Int)
        case ioError
    }

    static func read(path: String, limit: Int) -> Result<[UInt8], Failure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.missing) }
        guard !isDirectory.boolValue else { return .failure(.directory) }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue else { return .failure(.ioError) }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else { return .failure(.notRegular) }
        guard size <= limit else { return .failure(.tooLarge(size: size)) }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.ioError) }
        defer { try? handle.close() }
        // Read at most limit + 1 bytes: a file that grew since stat is still caught.
        guard let data = try? handle.read(upToCount: limit + 1) else { return .success([]) }
        guard data.count <= limit else { return .failure(.tooLarge(size: data.count)) }
        return .success([UInt8](data))
    }

    /// A short reason for error messages.
    static func reason(_ failure: Failure, limit: Int) -> String {
        switch failure {
        case .missing: return "no such file"
        case .directory: return "is a directory"
        case .notRegular: return "not a regular file"
        case .tooLarge(let size): return "\(size) bytes exceeds the limit of \(limit) bytes"
        case .ioError: return "permission denied or I/O error"
        }
    }
}
