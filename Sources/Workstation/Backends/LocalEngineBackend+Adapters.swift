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
    public var adapters: [TextAdapter] { adapterNames.adapters }

    /// Applies `adapters` instead of the current ones, after any reply in progress; `done`
    /// is called (on the engine queue) once they are in place.
    public func setAdapters(_ adapters: [TextAdapter], then done: @escaping @Sendable () -> Void = {}) {
        let names = adapterNames
        engine.setAdapters(adapters) {
            names.set(adapters)
            done()
        }
    }
}

/// The applied adapters, readable from any thread.
final class AdapterNames: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [TextAdapter] = []

    init(_ adapters: [TextAdapter]) { list = adapters }

    func set(_ adapters: [TextAdapter]) { lock.withLock { list = adapters } }

    var adapters: [TextAdapter] { lock.withLock { list } }

    var value: String? {
        let names = adapters.map { $0.name + ($0.userScale == 1 ? "" : " ×\(Format.number(Double($0.userScale)))") }
        return names.isEmpty ? nil : names.joined(separator: " + ")
    }
}
