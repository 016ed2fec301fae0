#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where models live and which one is used when the user names none.
///
/// Order: `--model`, then `$MEDGEMMA_MODEL`, then the default model file in the models
/// folder (`$MEDGEMMA_MODELS`, else `$XDG_CACHE_HOME/medgemma/models`, else
/// `~/.cache/medgemma/models`).
public enum ModelLocator {
    /// The file `make run` / `Tools/fetch-model.sh` put in place.
    public static let defaultModelFile = "gemma-3-270m-q4_k_m.gguf"

    static func env(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }

    public static var modelsDirectory: String {
        if let dir = env("MEDGEMMA_MODELS") { return dir }
        if let cache = env("XDG_CACHE_HOME") { return cache + "/medgemma/models" }
        return (env("HOME") ?? "/tmp") + "/.cache/medgemma/models"
    }

    public static func resolve(_ option: String?) -> String {
        if let option { return option }
        if let model = env("MEDGEMMA_MODEL") { return model }
        return modelsDirectory + "/" + defaultModelFile
    }
}
