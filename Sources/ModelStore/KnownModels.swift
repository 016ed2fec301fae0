/// Short names for the MedGemma releases, each mapped to a community GGUF conversion on
/// the hub (Google publishes safetensors only; these repositories convert them for
/// llama.cpp and carry the `mmproj` vision part). `medgemma pull NAME` accepts them.
public enum KnownModels {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var repo: String
        public var about: String

        /// See `KnownModels.filePrefix(repo:)`.
        public var pulledFilePrefix: String { KnownModels.filePrefix(repo: repo) }
    }

    public static let all: [Entry] = [
        Entry(name: "medgemma-4b-it", repo: "unsloth/medgemma-4b-it-GGUF", about: "MedGemma 4B instruction-tuned, text and images"),
        Entry(name: "medgemma-1.5-4b-it", repo: "unsloth/medgemma-1.5-4b-it-GGUF", about: "MedGemma 1.5 4B instruction-tuned, text and images"),
        Entry(name: "medgemma-27b-text-it", repo: "unsloth/medgemma-27b-text-it-GGUF", about: "MedGemma 27B, text only"),
        Entry(name: "medgemma-27b-it", repo: "unsloth/medgemma-27b-it-GGUF", about: "MedGemma 27B multimodal, text and images"),
    ]

    /// How the files pulled from an entry's repository begin: its name without `-GGUF`
    /// and a dash (`medgemma-4b-it-`), which `--model NAME` looks for in the models folder.
    public static func filePrefix(repo: String) -> String {
        var stem = String(repo.split(separator: "/").last ?? "")
        for suffix in ["-GGUF", "-gguf", "_GGUF"] where stem.hasSuffix(suffix) { stem = String(stem.dropLast(suffix.count)) }
        return stem + "-"
    }

    /// The entry for a short name (case-insensitive), nil for anything else.
    public static func entry(named name: String) -> Entry? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }
}
