import Foundation
import Support

/// One image of a study: what the case says about it, where its file is, and the file's status.
public struct StudyImage: Sendable, Equatable {
    public var image: CaseImage
    /// The file's path as the user would name it (`samples/cxr-01/cxr.png`), for messages.
    public var path: String
    public var url: URL
    public var status: ImageFileStatus

    public init(image: CaseImage, path: String, url: URL, status: ImageFileStatus) {
        self.image = image
        self.path = path
        self.url = url
        self.status = status
    }

    /// The one-line problem for the browser, nil when the file is present.
    public var problem: String? {
        switch status {
        case .present: return nil
        case .missing: return "\(OneLine.clean(path)): image file not found"
        case .unreadable(let why): return "\(OneLine.clean(path)): \(why)"
        }
    }

    /// Checks `file` inside `folder` without reading it: it must exist, be a regular,
    /// readable, non-empty file — or a folder of DICOM slices (`checkSeries`) — and, after
    /// following symbolic links, still lie inside the study folder, so a case cannot reach
    /// other files through a link.
    static func check(file: String, folder: URL) -> (URL, ImageFileStatus) {
        let url = folder.appendingPathComponent(file)
        let fm = FileManager.default
        // attributesOfItem does not follow a final link; a dangling link is "missing" too.
        guard (try? fm.attributesOfItem(atPath: url.path)) != nil, fm.fileExists(atPath: url.path) else {
            return (url, .missing)
        }
        let root = folder.resolvingSymlinksInPath().path
        let resolved = url.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            return (url, .unreadable("links to a file outside the study folder"))
        }
        let attributes = try? fm.attributesOfItem(atPath: resolved)
        if attributes?[.type] as? FileAttributeType == .typeDirectory {
            return (url, checkSeries(resolved, root: root))
        }
        guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else {
            return (url, .unreadable("not a regular file"))
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size == 0 { return (url, .unreadable("empty file")) }
        if !fm.isReadableFile(atPath: resolved) { return (url, .unreadable("cannot be read (permission denied)")) }
        return (url, .present(bytes: size))
    }
}
