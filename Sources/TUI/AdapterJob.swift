/// `:lora FILE` at work off the UI thread: reading the adapter, checking it against the
/// model and applying it once the reply in progress is done. The loop reads the outcome.
final class AdapterJob: BackgroundResult<Void>, @unchecked Sendable {
    /// What the status bar calls it ("rank8.gguf ×0.5", or "off").
    let label: String

    init(label: String) {
        self.label = label
    }
}
