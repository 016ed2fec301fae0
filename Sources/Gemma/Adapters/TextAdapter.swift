import Adapters

/// An adapter as the decoder applies it: per layer, the updates of the projections it
/// touches, and the user's scale (`--lora FILE:0.5`) on top of each update's own.
/// Several can be active at once; each adds its own update.
public struct TextAdapter: Sendable {
    /// What the status bar and report stamps call it (the file name).
    public let name: String
    /// sha256 of the adapter's weights file, for the stamps.
    public let sha256: String
    /// `layers[l][target]`; as many entries as the model has layers.
    public let layers: [[TextProjection: LoRAUpdate]]
    public var userScale: Float

    public init(name: String, sha256: String, layers: [[TextProjection: LoRAUpdate]], userScale: Float = 1) {
        self.name = name
        self.sha256 = sha256
        self.layers = layers
        self.userScale = userScale
    }

    /// Whether any layer updates `target` in layer `l`.
    func touches(_ l: Int, _ target: TextProjection) -> Bool { l < layers.count && layers[l][target] != nil }
}
