import Foundation
import Support

/// Keeps each study's conversation so that reopening the study brings it back:
/// `~/.local/share/medgemma/conversations/KEY.json` (`StudyKey`), JSON with a schema
/// version, written atomically with mode 0600.
///
/// Why the user's data folder and not the study folder: studies are often read-only
/// (a shared teaching set, a checkout, a mounted archive) and may be shared between
/// people, while a conversation is one user's private work; one place for every
/// study also works the same whether the study can be written or not. (Saved reports, by
/// contrast, go with the study when they can: they are meant to be found beside it.)
///
/// Images are saved by reference, not pixels (`SavedImageReference`); restored entries
/// have no images and the caller re-attaches them. A file that is too large, not JSON,
/// of another version or with an unknown role is refused with one line, never half-read.
public struct TranscriptStore: Sendable {
    public static let byteLimit = 32 << 20
    public let directory: String

    public init(directories: AppDirectories = AppDirectories()) {
        directory = directories.data + "/conversations"
    }

    public init(directory: String) {
        self.directory = directory
    }

    public func path(forStudyAt studyPath: String) -> String {
        directory + "/" + StudyKey.key(forStudyAt: studyPath) + ".json"
    }

    /// Saves `entries` (and the session's system instruction) for the study.
    public func save(_ entries: [TranscriptEntry], system: String?, forStudyAt studyPath: String,
                     date: Date = Date(), timeZone: TimeZone = .current) throws(TranscriptStoreError) {
        let file = path(forStudyAt: studyPath)
        let saved = SavedTranscript(studyPath: DraftRecovery.absolute(studyPath), savedAt: ReportTime.iso8601(date, timeZone: timeZone),
                                    system: system, entries: entries.map(SavedTranscriptEntry.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            try AtomicFile.write(Array(try encoder.encode(saved)), to: file, mode: 0o600)
        } catch let error as AtomicFile.WriteError {
            throw TranscriptStoreError(path: file, problem: "cannot save the conversation: \(error.reason)")
        } catch {
            throw TranscriptStoreError(path: file, problem: "cannot encode the conversation")
        }
    }

    /// The saved conversation of the study, nil when there is none (or it belongs to
    /// another folder whose key collides).
    public func restore(forStudyAt studyPath: String) throws(TranscriptStoreError) -> RestoredTranscript? {
        let file = path(forStudyAt: studyPath)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let saved = try Self.read(file)
        guard saved.studyPath == DraftRecovery.absolute(studyPath) else { return nil }
        var entries: [TranscriptEntry] = []
        for (n, entry) in saved.entries.enumerated() {
            guard let role = TranscriptEntry.Role(rawValue: entry.role) else {
                throw TranscriptStoreError(path: file, problem: "entry \(n + 1): unknown role '\(OneLine.clean(String(entry.role.prefix(40))))'")
            }
            entries.append(TranscriptEntry(role: role, text: entry.text, timing: entry.timing, isComplete: entry.isComplete))
        }
        return RestoredTranscript(entries: entries, imageReferences: saved.entries.map(\.images), system: saved.system,
                                  savedAt: saved.savedAt)
    }

    /// Forgets the study's conversation (a new chat that should not come back).
    public func discard(forStudyAt studyPath: String) {
        try? FileManager.default.removeItem(atPath: path(forStudyAt: studyPath))
    }

    static func read(_ file: String) throws(TranscriptStoreError) -> SavedTranscript {
        func fail(_ problem: String) -> TranscriptStoreError { TranscriptStoreError(path: file, problem: problem) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: file) else { throw fail("saved conversation cannot be opened") }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: byteLimit + 1) ?? Data() } catch { throw fail("saved conversation cannot be read") }
        if data.count > byteLimit { throw fail("saved conversation is larger than \(byteLimit) bytes; ignored") }
        // The version first: another version may have another shape.
        struct Version: Decodable { var version: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw fail("saved conversation is not valid JSON of this workstation; ignored")
        }
        guard version.version == SavedTranscript.currentVersion else {
            throw fail("saved conversation has unsupported version \(version.version) (this build reads \(SavedTranscript.currentVersion)); ignored")
        }
        do {
            return try JSONDecoder().decode(SavedTranscript.self, from: data)
        } catch {
            throw fail("saved conversation is damaged (\(describe(error))); ignored")
        }
    }

    /// "missing field 'text' at entries[2]" rather than Foundation's paragraph.
    static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing field '\(key.stringValue)'" + (context.codingPath.isEmpty ? "" : " at \(path(context.codingPath))")
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?: return "wrong type at \(path(context.codingPath))"
        case .dataCorrupted(let context)?: return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context.codingPath))"
        default: return "not readable"
        }
    }
}
