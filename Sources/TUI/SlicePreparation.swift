import Foundation
import Workstation

/// The slices of a series question made into pictures off the UI thread: decoding,
/// windowing and hashing 85 CT slices takes seconds, and the screen must stay live while
/// the offer says what they will cost. The loop polls `result`.
final class SlicePreparation: @unchecked Sendable {
    /// How many slices were asked for (a later change of mind starts a new preparation).
    let count: Int
    private let lock = NSLock()
    private var outcome: Result<[ImageAttachment], Error>?

    init(count: Int, make: @escaping @Sendable () throws -> [ImageAttachment]) {
        self.count = count
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let made = Result { try make() }
            lock.withLock { outcome = made }
        }
    }

    /// The pictures, or why they could not be made; nil while they are being made.
    var result: Result<[ImageAttachment], Error>? { lock.withLock { outcome } }
}
