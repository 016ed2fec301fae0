import Foundation
import Workstation

/// The model files a report is stamped with (name and sha256). Hashing a 3 GB model
/// takes half a minute the first time, so it starts in the background when the
/// workstation opens; `FileHashCache` remembers the result across runs.
final class ReportProvenance: @unchecked Sendable {
    private let model: String?
    private let mmproj: String?
    /// Shown instead of a file for a remote backend (its model name as served).
    private let servedModel: String

    init(model: String?, mmproj: String?, servedModel: String) {
        self.model = model
        self.mmproj = mmproj
        self.servedModel = servedModel
        let paths = [model, mmproj].compactMap { $0 }
        DispatchQueue.global(qos: .utility).async { [self] in
            for path in paths { _ = try? FileHashCache.shared.sha256(ofFileAt: path) }
            lock.withLock { hashed = true }
        }
    }

    private let lock = NSLock()
    private var hashed = false

    /// Whether the files have been hashed (a save waits for it rather than block the screen).
    var isReady: Bool { lock.withLock { hashed } }

    /// The stamps (from the cache when the background hash has finished).
    func files() -> (model: StampedFile, mmproj: StampedFile?) {
        func stamp(_ path: String) -> StampedFile {
            StampedFile(name: (path as NSString).lastPathComponent, sha256: try? FileHashCache.shared.sha256(ofFileAt: path))
        }
        return (model.map(stamp) ?? StampedFile(name: servedModel, sha256: nil), mmproj.map(stamp))
    }
}
