import Support

/// Where each tool keeps its models, from the environment as each tool reads it.
public struct CatalogLocations: Sendable, Equatable {
    public var medgemma: String
    public var llamaCpp: String
    public var ollama: String
    public var huggingFace: String

    public init(medgemma: String, llamaCpp: String, ollama: String, huggingFace: String) {
        self.medgemma = medgemma
        self.llamaCpp = llamaCpp
        self.ollama = ollama
        self.huggingFace = huggingFace
    }

    /// `$MEDGEMMA_MODELS` (else the XDG cache's `medgemma/models`), `$LLAMA_CACHE` (else
    /// `llama.cpp` in the cache), `$OLLAMA_MODELS` (else `~/.ollama/models`) and
    /// `$HF_HUB_CACHE` (else `$HF_HOME/hub`, else `huggingface/hub` in the cache).
    public init(environment: [String: String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let user = UserDirectories(environment: environment)
        let (home, cache) = (user.home, user.cacheHome)
        medgemma = value("MEDGEMMA_MODELS") ?? cache + "/medgemma/models"
        llamaCpp = value("LLAMA_CACHE") ?? cache + "/llama.cpp"
        ollama = value("OLLAMA_MODELS") ?? home + "/.ollama/models"
        huggingFace = value("HF_HUB_CACHE") ?? value("HF_HOME").map { $0 + "/hub" } ?? cache + "/huggingface/hub"
    }
}
