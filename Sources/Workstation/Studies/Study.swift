import Foundation

/// One study folder: its `case.json`, decoded or with the error that stopped it, and the
/// status of each image file.
///
/// A study is never a thrown error: a broken one stays an entry with its message, so the
/// browser can list it beside the working ones (the "the other studies stay usable").
public struct Study: Sendable, Identifiable {
    public static let caseFileName = "case.json"

    /// The folder as given (`samples/cxr-01`); also the study's identity in the library.
    public let path: String
    public let folder: URL
    public let caseFile: CaseFile?
    public let error: CaseFileError?
    /// One per case image, in the case's order; empty when the case did not decode.
    public let images: [StudyImage]
    /// One per case image: its prior's file (`CasePrior`), checked like the image's own,
    /// or nil when the image lists none.
    public let priors: [StudyImage?]

    public var id: String { path }

    /// Reads `path/case.json` and checks the image files (existence and size only).
    public init(path: String) {
        self.path = path
        let folder = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        self.folder = folder
        do {
            let decoded = try CaseFile.load(path: StudyPath.join(path, Self.caseFileName))
            caseFile = decoded
            error = nil
            images = decoded.images.map { image in
                let (url, status) = StudyImage.check(file: image.file, folder: folder)
                return StudyImage(image: image, path: StudyPath.join(path, image.file), url: url, status: status)
            }
            priors = decoded.images.enumerated().map { n, image in
                image.prior.map { prior in
                    let (url, status) = StudyImage.check(file: prior.file, folder: folder)
                    // The prior is the same view: it is shown and prepared like the image itself.
                    let described = CaseImage(file: prior.file, modality: image.modality, view: image.view,
                                              description: "prior study of \(prior.date) for image \(n + 1)", window: image.window)
                    return StudyImage(image: described, path: StudyPath.join(path, prior.file), url: url, status: status)
                }
            }
        } catch {
            caseFile = nil
            self.error = error
            images = []
            priors = []
        }
    }

    /// The folder's last component: the browser's name for a study whose case is broken.
    public var folderName: String { folder.lastPathComponent }

    /// The case title, or the folder name when the case could not be read.
    public var title: String { caseFile?.title ?? folderName }

    /// Every one-line problem: the case file's error, or each missing/unreadable image.
    public var problems: [String] {
        if let error { return [error.description] }
        return images.compactMap(\.problem) + priors.compactMap { $0?.problem }
    }

    /// The case decoded and at least one image file is there, so the study can be opened.
    /// (A study with one of several images missing opens and shows that image's problem.)
    public var isUsable: Bool { caseFile != nil && images.contains { $0.status.isPresent } }

    /// The context for a new conversation about this study.
    public var context: CaseContext? { caseFile.map(CaseContext.init) }

    /// Case-insensitive match of every word of `query` against the title, the case id,
    /// the images' modalities (code and name) and the folder name; an empty query matches.
    public func matches(_ query: String) -> Bool {
        let words = query.split(whereSeparator: \.isWhitespace)
        if words.isEmpty { return true }
        var fields = [title, folderName]
        if let c = caseFile {
            fields.append(c.id)
            for image in c.images { fields += [image.modality, image.modalityName] }
        }
        return words.allSatisfy { word in
            fields.contains { $0.range(of: word, options: [.caseInsensitive, .diacriticInsensitive]) != nil }
        }
    }
}
