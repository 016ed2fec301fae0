/// Which tool put a model file on this machine. Only `medgemma`'s own files are ours to
/// remove; the others are listed (and verified) in place, never changed.
public enum ModelSource: String, Sendable, Codable, CaseIterable {
    /// `medgemma pull` or `make model`, in the models folder.
    case medgemma
    /// llama.cpp's `-hf` downloads (`~/.cache/llama.cpp`).
    case llamaCpp = "llama.cpp"
    /// Ollama's blob store, read through its manifests (`~/.ollama/models`).
    case ollama
    /// The Hugging Face hub cache (`~/.cache/huggingface/hub`).
    case huggingFace = "huggingface"
}
