import Foundation
import Gemma
import Support

/// LoRA adapters on the in-process engine, swapped while the workstation runs (`:lora`)
/// without reloading the base model. The names are kept apart from the model's own list so
/// the status bar can read them while the engine thread works.
extension LocalEngineBackend {
    /// "rank8.gguf ×0.5 + other.gguf": the adapters applied now; nil when none are.
    public var adapterSummary: String? { adapterNames.value }

    /// The adapters applied now (read on the engine's side of a swap).
    public var adapters: [ModelAdapter] { adapterNames.adapters }

    /// Applies `adapters` instead of the current ones — the text model's LoRA and
    /// replaced matrices, and the vision tower's LoRA — after any reply in progress; `done`
    /// is called (on the engine queue) with nil once they are in place, or with why nothing
    /// changed.
    public func setAdapters(_ adapters: [ModelAdapter], then done: @escaping @Sendable (Error?) -> Void = { _ in }) {
        let names = adapterNames, images = images
        engine.setAdapters(adapters, prepare: {
            try ModelAdapter.checkTogether(adapters)
            try images?.setAdapters(adapters)
        }) { error in
            if error == nil { names.set(adapters) }
            done(error)
        }
    }
}

/// The applied adapters, readable from any thread.
final class AdapterNames: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [ModelAdapter] = []

    init(_ adapters: [ModelAdapter]) { list = adapters }

    func set(_ adapters: [ModelAdapter]) { lock.withLock { list = adapters } }

    var adapters: [ModelAdapter] { lock.withLock { list } }

    var value: String? {
        let names = adapters.map { $0.name + ($0.userScale == 1 ? "" : " ×\(Format.number(Double($0.userScale)))") }
        return names.isEmpty ? nil : names.joined(separator: " + ")
    }
}
