#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole text file, with a one-line error naming the file when it cannot.
enum TextFile {
    /// Files larger than this are refused rather than read into memory.
    static let maxBytes = 512 << 20

    static func read(_ path: String) throws -> String {
        guard let f = fopen(path, "rb") else {
            throw CommandFailure("\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > maxBytes { throw CommandFailure("\(path): larger than \(maxBytes >> 20) MB") }
        }
        if ferror(f) != 0 { throw CommandFailure("\(path): read error") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
