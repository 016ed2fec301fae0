import Foundation

/// An Ollama manifest (`manifests/registry.ollama.ai/library/NAME/TAG`): its layers name
/// the blobs by digest; the model's GGUF is the `image.model` layer, a vision part the
/// `image.projector` one.
struct OllamaManifest: Decodable {
    struct Layer: Decodable {
        let mediaType: String
        let digest: String
        let size: Int
    }

    let layers: [Layer]

    var model: Layer? { layers.first { $0.mediaType == "application/vnd.ollama.image.model" } }
    var projector: Layer? { layers.first { $0.mediaType == "application/vnd.ollama.image.projector" } }

    /// `blobs/sha256-HEX` for a digest `sha256:HEX`; nil for any other form.
    static func blobName(_ digest: String) -> String? {
        let parts = digest.split(separator: ":")
        guard parts.count == 2, parts[0] == "sha256", parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else { return nil }
        return "sha256-" + parts[1]
    }
}
