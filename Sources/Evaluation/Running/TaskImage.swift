import Foundation
import MedImaging
import VisionPreprocessing
import Workstation

/// A task item's picture: its path read relative to the task file's folder (an absolute
/// path as it is), through the file's default window (a DICOM's own window, PNG and JPEG
/// as stored) — the picture `ask --image` shows without `--window`.
public enum TaskImage {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    public static func path(_ path: String, taskFolder: String) -> String {
        path.hasPrefix("/") ? path : ((taskFolder as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// The item's picture file when it has one.
    public static func file(of item: EvalItem) -> String? {
        switch item {
        case .multipleChoice(let q): return q.image
        case .classification(let c): return c.image
        case .report(let r): return r.image
        }
    }

    static func attachment(_ path: String, taskFolder: String) throws -> ImageAttachment {
        let resolved = Self.path(path, taskFolder: taskFolder)
        do {
            let image = try MedicalImage.load(path: resolved)
            let picture = try ModelImageSource.rgb(image)
            return ImageAttachment(source: path, preparation: ImagePreparation.describe(image, window: nil, modelImageSize: nil),
                                   picture: picture)
        } catch {
            let text = "\(error)"
            throw Failure(description: text.hasPrefix(resolved) ? text : "\(resolved): \(text)")
        }
    }
}
