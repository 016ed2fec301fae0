import Foundation
import MedImaging
import Workstation

/// A folder entry being opened as a series off the UI thread: every slice's header is
/// read (a CT of 500 slices is 500 files) and the first slice decoded, which must not
/// freeze the screen. The viewer polls `outcome` each loop turn and adopts it when ready.
final class SeriesOpening: @unchecked Sendable {
    /// What opening produced: the series at its first slice and that slice's picture.
    typealias Outcome = Result<(stack: SliceStack, image: MedicalImage), DICOMSeriesError>

    let item: StudyImage
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var result: Outcome?

    /// Starts reading `item`'s folder on a background queue.
    init(_ item: StudyImage) {
        self.item = item
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let outcome: Outcome
            do throws(DICOMSeriesError) {
                var stack = SliceStack(folder: try DICOMSeriesFolder.open(path: item.url.path))
                let image = try stack.load(0).image
                outcome = .success((stack, image))
            } catch {
                outcome = .failure(error)
            }
            lock.withLock { result = outcome }
            done.signal()
        }
    }

    /// The outcome once the folder has been read; nil while it is still being read.
    var outcome: Outcome? { lock.withLock { result } }

    /// Blocks until the folder has been read (tests, and a caller that cannot go on without it).
    func wait() -> Outcome {
        done.wait()
        done.signal()
        return lock.withLock { result! }
    }
}
