import Foundation
import Support

/// The studies the workstation can open: every subfolder of a folder that holds a
/// `case.json` (hidden folders are skipped), or a single study when the folder itself
/// holds one. Broken studies are kept, with their errors, so the browser can show them.
/// Sorted by title (case-insensitive, numbers in numeric order), then by folder.
public struct StudyLibrary: Sendable {
    /// The folder as given.
    public let path: String
    public let studies: [Study]

    /// Scans `path`. Throws only when the folder itself cannot be listed.
    public init(path: String) throws(StudyLibraryError) {
        self.path = path
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StudyLibraryError(path: path, problem: "no such folder")
        }
        guard isDirectory.boolValue else { throw StudyLibraryError(path: path, problem: "not a folder") }
        if fm.fileExists(atPath: StudyPath.join(path, Study.caseFileName)) {
            studies = [Study(path: path)]
            return
        }
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: path)
        } catch {
            throw StudyLibraryError(path: path, problem: "cannot be read (\(OneLine.clean(error.localizedDescription)))")
        }
        var found: [Study] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = StudyPath.join(path, name)
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue,
                  fm.fileExists(atPath: StudyPath.join(folder, Study.caseFileName)) else { continue }
            found.append(Study(path: folder))
        }
        studies = Self.sorted(found)
    }

    public init(path: String, studies: [Study]) {
        self.path = path
        self.studies = Self.sorted(studies)
    }

    static func sorted(_ studies: [Study]) -> [Study] {
        studies.sorted { a, b in
            switch a.title.compare(b.title, options: [.caseInsensitive, .numeric]) {
            case .orderedAscending: return true
            case .orderedDescending: return false
            case .orderedSame: return a.path < b.path
            }
        }
    }

    /// The studies the browser shows for a search: see `Study.matches`.
    public func filter(query: String) -> [Study] {
        studies.filter { $0.matches(query) }
    }

    /// The studies whose case or images have a problem.
    public var broken: [Study] { studies.filter { !$0.problems.isEmpty } }
}
