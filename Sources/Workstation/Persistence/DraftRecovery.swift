import Glibc
import Foundation

/// The crash-safety net of the report editor: the draft is autosaved (every few seconds
/// while it changes — `AutosaveSchedule` — and on quit) to
/// `~/.local/share/medgemma/recovery/KEY.json` (`StudyKey`), and when the study is opened
/// again after a crash or `kill -9`, `pendingRecovery` returns the draft to offer back.
///
/// The file lives in the user's data folder, not the study's, because studies may be
/// read-only or shared, and an unsaved draft is the user's own. Writes are atomic with
/// mode 0600, so a kill during a write leaves the previous autosave. A damaged file is
/// never deleted silently: it is renamed to `KEY.json.corrupt` (evidence for a bug
/// report, and the user may still copy text out of it) and reported once.
public struct DraftRecovery: Sendable {
    /// A draft is a page of text and a stamp; anything larger is not ours.
    public static let byteLimit = 16 << 20
    public let directory: String

    public init(directories: AppDirectories = AppDirectories()) {
        directory = directories.data + "/recovery"
    }

    public init(directory: String) {
        self.directory = directory
    }

    public func path(forStudyAt studyPath: String) -> String {
        directory + "/" + StudyKey.key(forStudyAt: studyPath) + ".json"
    }

    /// Autosaves `text` (and the stamp of its generation) for the study at `studyPath`.
    public func save(text: String, stamp: ReportStamp?, forStudyAt studyPath: String,
                     date: Date = Date(), timeZone: TimeZone = .current) throws(DraftRecoveryError) {
        let draft = RecoveredDraft(studyPath: Self.absolute(studyPath), text: text, stamp: stamp,
                                   savedAt: ReportTime.iso8601(date, timeZone: timeZone))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(draft) } catch { throw .cannotWrite(path: nil, reason: "cannot encode the draft") }
        do {
            try AtomicFile.write(Array(data), to: path(forStudyAt: studyPath), mode: 0o600)
        } catch {
            throw .cannotWrite(path: error.path, reason: error.reason)
        }
    }

    /// The autosaved draft to offer when the study is opened, or nil: none saved, or its
    /// text equals `lastSavedText` (the newest saved report's text, `ReportStore
    /// .latestSavedText`), or it belongs to another study folder. A damaged file is moved
    /// aside and reported as `.corrupt` — callers that only want "is there a draft"
    /// treat that as none: `(try? recovery.pendingRecovery(…)) ?? nil`.
    public func pendingRecovery(forStudyAt studyPath: String, lastSavedText: String? = nil) throws(DraftRecoveryError) -> RecoveredDraft? {
        let file = path(forStudyAt: studyPath)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let draft: RecoveredDraft
        do {
            draft = try Self.read(file)
        } catch {
            let aside = file + ".corrupt"
            let moved = rename(file, aside) == 0
            throw .corrupt(path: file, problem: error.problem, movedTo: moved ? aside : nil)
        }
        guard draft.studyPath == Self.absolute(studyPath) else { return nil }
        if let lastSavedText, Self.same(draft.text, lastSavedText) { return nil }
        return draft
    }

    /// Forgets the autosave (after the report is saved, or the user declines to restore).
    public func discard(forStudyAt studyPath: String) {
        unlink(path(forStudyAt: studyPath))
    }

    // MARK: - Internals

    struct ReadProblem: Error { let problem: String }

    static func read(_ file: String) throws(ReadProblem) -> RecoveredDraft {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw ReadProblem(problem: "cannot be opened") }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: byteLimit + 1) ?? Data() } catch { throw ReadProblem(problem: "cannot be read") }
        if data.count > byteLimit { throw ReadProblem(problem: "larger than \(byteLimit) bytes") }
        let draft: RecoveredDraft
        do { draft = try JSONDecoder().decode(RecoveredDraft.self, from: data) } catch {
            throw ReadProblem(problem: "not valid draft JSON")
        }
        if draft.version != RecoveredDraft.currentVersion {
            throw ReadProblem(problem: "unsupported version \(draft.version)")
        }
        return draft
    }

    /// Drafts compare without the blank lines around them (the saved file trims them).
    static func same(_ a: String, _ b: String) -> Bool {
        a.trimmingCharacters(in: .whitespacesAndNewlines) == b.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
