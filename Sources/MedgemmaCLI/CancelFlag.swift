import Synchronization

/// A flag raised on one thread (the Ctrl-C handler) and read on another (a long write
/// checking between tensors).
final class CancelFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .relaxed) }

    var isRaised: Bool { raised.load(ordering: .relaxed) }
}
