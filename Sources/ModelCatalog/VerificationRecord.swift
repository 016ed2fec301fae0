import Foundation

/// `FILE.gguf.verified` beside a model we downloaded: "SHA256 SIZE MTIME", written once the
/// file's hash matched what its publisher gave (Tools/fetch-model.sh, `medgemma pull`). A
/// file whose size and time still match it need not be hashed again to be called verified.
public struct VerificationRecord: Sendable, Equatable {
    public var sha256: String
    public var size: Int
    public var modified: Int

    public init(sha256: String, size: Int, modified: Int) {
        self.sha256 = sha256
        self.size = size
        self.modified = modified
    }

    /// The record beside `path`, nil when there is none or it cannot be read.
    public static func read(besides path: String) -> VerificationRecord? {
        guard let data = FileManager.default.contents(atPath: path + ".verified"), data.count < 4096 else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard fields.count == 3, fields[0].count == 64, fields[0].allSatisfy(\.isHexDigit),
              let size = Int(fields[1]), let modified = Int(fields[2]) else { return nil }
        return VerificationRecord(sha256: fields[0].lowercased(), size: size, modified: modified)
    }

    /// Whether the file at `path` is still the one recorded (same size and modification time).
    public func stillDescribes(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue,
              let date = attributes[.modificationDate] as? Date else { return false }
        return size == self.size && Int(date.timeIntervalSince1970) == modified
    }
}
