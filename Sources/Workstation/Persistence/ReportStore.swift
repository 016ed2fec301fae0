import Glibc
import Foundation

/// Saves draft reports as Markdown plus FHIR R4 JSON (`report-20261129T114200Z.md` and
/// `report-20261129T114200Z.fhir.json`), atomically and private to the user (0600).
///
/// Where: the study's own `reports/` folder (created 0700), so a report stays with its
/// images; when the study folder cannot be written — a read-only share, a checkout owned
/// by someone else — the user's data folder, `~/.local/share/medgemma/reports/STUDY/`.
/// Writability is checked with `access(W_OK)` and then by actually writing (permission
/// bits do not stop root, and a read-only mount or a file in the way stops everyone);
/// the first folder where both files are written wins. When none works the error names
/// every folder tried; nothing is left half-written and the draft is not touched.
public struct ReportStore: Sendable {
    /// Folder under which fallback folders (one per study) are made.
    public let fallbackRoot: String

    public init(directories: AppDirectories = AppDirectories()) {
        fallbackRoot = directories.data + "/reports"
    }

    public init(fallbackRoot: String) {
        self.fallbackRoot = fallbackRoot
    }

    public func primaryDirectory(for study: Study) -> String {
        study.folder.path + "/reports"
    }

    public func fallbackDirectory(for study: Study) -> String {
        fallbackRoot + "/" + StudyKey.safeName(study.folderName)
    }

    /// Writes `draft` for `study`.
    ///
    /// - Parameters:
    ///   - directory: a folder chosen by the user (`report --out DIR`): only it is tried,
    ///     and file names start with the study's folder name so a batch does not collide.
    ///   - date, timeZone: the save time (file names in UTC, the files' times in the zone).
    public func save(_ draft: DraftReport, for study: Study, into directory: String? = nil,
                     date: Date = Date(), timeZone: TimeZone = .current) throws(ReportStoreError) -> SavedReport {
        guard let subject = ReportSubject(study: study) else {
            throw ReportStoreError(study: study.folderName, attempts: [])
        }
        let savedAt = ReportTime.iso8601(date, timeZone: timeZone)
        let markdown = MarkdownReportWriter.render(draft, subject: subject, savedAt: savedAt)
        let fhir = FHIRDiagnosticReport.json(draft, subject: subject, markdown: markdown, savedAt: savedAt)
        let base = "report-" + ReportTime.fileStamp(date)
        let candidates: [(String, String, Bool, Bool)] = directory.map { [($0, StudyKey.safeName(study.folderName) + "-" + base, false, true)] }
            ?? [(primaryDirectory(for: study), base, false, false), (fallbackDirectory(for: study), base, true, true)]
        var attempts: [ReportStoreError.Attempt] = []
        for (folder, name, isFallback, createParents) in candidates {
            do {
                let (md, json) = try write(markdown: markdown, fhir: fhir, in: folder, name: name, createParents: createParents)
                return SavedReport(markdownPath: md, fhirPath: json, directory: folder, usedFallback: isFallback)
            } catch {
                attempts.append(.init(directory: folder, reason: error.reason))
            }
        }
        throw ReportStoreError(study: study.folderName, attempts: attempts)
    }

    /// The report text (`MarkdownReportWriter.reportText`) of the newest report saved for
    /// `study` in its folder or the fallback folder; nil when there is none. A recovered
    /// draft equal to it has nothing to recover.
    public func latestSavedText(for study: Study) -> String? {
        guard let newest = latestSaved(for: study),
              let text = try? String(contentsOfFile: newest.markdownPath, encoding: .utf8) else { return nil }
        return MarkdownReportWriter.reportText(in: text)
    }

    /// The newest report saved for `study` (by the time in its file name; in the study
    /// folder or the fallback folder), nil when there is none. It is the study's report as
    /// it stands: a sign-off counts only on it (`dataset export`). The FHIR path is the
    /// Markdown file's twin, whether or not it exists.
    public func latestSaved(for study: Study) -> SavedReport? {
        let fm = FileManager.default
        var newest: (name: String, folder: String, fallback: Bool)?
        for (folder, fallback) in [(primaryDirectory(for: study), false), (fallbackDirectory(for: study), true)] {
            for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("report-") && name.hasSuffix(".md") {
                if newest == nil || Self.isNewer(name, than: newest!.name) { newest = (name, folder, fallback) }
            }
        }
        guard let newest else { return nil }
        let stem = String(newest.name.dropLast(".md".count))
        return SavedReport(markdownPath: newest.folder + "/" + newest.name, fhirPath: newest.folder + "/" + stem + ".fhir.json",
                           directory: newest.folder, usedFallback: newest.fallback)
    }

    // MARK: - Internals

    /// File names compare by their time, then by the number `save` adds to a second file
    /// in the same second (`report-T-2.md` is newer than `report-T.md`, which a plain string
    /// comparison gets the wrong way round: "-" sorts before ".").
    static func isNewer(_ a: String, than b: String) -> Bool {
        func key(_ name: String) -> (String, Int) {
            let stem = name.hasSuffix(".md") ? String(name.dropLast(3)) : name
            if let dash = stem.lastIndex(of: "-"), let n = Int(stem[stem.index(after: dash)...]), stem[..<dash].hasPrefix("report-") {
                return (String(stem[..<dash]), n)
            }
            return (stem, 1)
        }
        return key(a) > key(b)
    }

    struct Failure: Error { let reason: String }

    private func write(markdown: String, fhir: String, in folder: String, name: String,
                       createParents: Bool) throws(Failure) -> (String, String) {
        try prepare(folder, createParents: createParents)
        var stem = name
        var n = 1
        while FileManager.default.fileExists(atPath: "\(folder)/\(stem).md") || FileManager.default.fileExists(atPath: "\(folder)/\(stem).fhir.json") {
            n += 1
            stem = "\(name)-\(n)"
        }
        let md = "\(folder)/\(stem).md", json = "\(folder)/\(stem).fhir.json"
        do {
            try AtomicFile.write(Array(markdown.utf8), to: md, mode: 0o600, createFolders: false)
        } catch {
            throw Failure(reason: error.reason)
        }
        do {
            try AtomicFile.write(Array(fhir.utf8), to: json, mode: 0o600, createFolders: false)
        } catch {
            unlink(md)  // never one file of the pair without the other
            throw Failure(reason: error.reason)
        }
        return (md, json)
    }

    /// Makes sure `folder` is a folder we may write into; creates it (0700) when missing.
    /// The study folder itself is never created: only its `reports/` inside it.
    private func prepare(_ folder: String, createParents: Bool) throws(Failure) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure(reason: "a file is in the way of the folder") }
        } else if createParents {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw Failure(reason: "cannot create the folder (\(Self.reason(of: error)))")
            }
        } else if mkdir(folder, 0o700) != 0 {
            throw Failure(reason: "cannot create the folder (\(String(cString: strerror(errno))))")
        }
        guard access(folder, W_OK) == 0 else {
            throw Failure(reason: "not writable (\(String(cString: strerror(errno))))")
        }
    }

    private static func reason(of error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        let code = (error as NSError).code
        if code == CocoaError.fileWriteNoPermission.rawValue { return "permission denied" }
        if code == CocoaError.fileWriteVolumeReadOnly.rawValue { return "read-only file system" }
        return "error \(code)"
    }
}
