import GGUF

/// The human-readable description `medgemma info` prints for a GGUF file.
struct ModelCard {
    let file: GGUFFile
    func render() throws -> String { "" }
}
