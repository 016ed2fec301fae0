import GGUF

/// The `--json` form of `medgemma info`.
enum GGUFJSON {
    static func render(_ file: GGUFFile) -> String { "{}" }
}
