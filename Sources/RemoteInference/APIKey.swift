import Glibc
import Foundation

/// The bearer token for a remote server. It is sent in the `Authorization` header and
/// nowhere else: its description is a placeholder, so it cannot reach a log line, an error
/// message, a transcript or a report by accident; `redacting` removes it from any text a
/// server echoes back.
///
/// Sources, in order: `$MEDGEMMA_API_KEY`, then a key file (`--api-key-file`, or
/// `api-key-file` in the config) that only its owner can read (mode 0600 or 0400).
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; only the HTTP layer of this module reads it.
    let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<api key hidden>" }
    public var debugDescription: String { description }

    /// The `Authorization` header value.
    var authorization: String { "Bearer \(value)" }

    /// `text` with every occurrence of the key replaced by the placeholder.
    public func redacting(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacingOccurrences(of: value, with: description)
    }

    /// `$MEDGEMMA_API_KEY`, when set and not empty.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> APIKey? {
        guard let key = environment["MEDGEMMA_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines),
              !key.isEmpty else { return nil }
        return APIKey(key)
    }

    /// Reads a key file: its first line, trimmed. A file that the group or others may read
    /// is refused (an API key is a password; `chmod 600 FILE` fixes it).
    public static func load(file path: String) throws(APIKeyError) -> APIKey {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notAFile(path: path) }
        let mode = Int(info.st_mode & 0o777)
        guard mode & 0o077 == 0 else { throw .tooOpen(path: path, mode: mode) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self)
        let first = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let key = first.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw .empty(path: path) }
        return APIKey(key)
    }
}
