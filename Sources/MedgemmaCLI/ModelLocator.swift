import Glibc
import Foundation
import ModelCatalog
import ModelStore
import Support

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
        return UserDirectories().cacheHome + "/medgemma/models"
    }

    /// `--model` may name a file, or a model `medgemma models` lists by name (`tiny:latest`
    /// from Ollama, `org/repo/FILE` from the hub cache, a pulled model's name).
    public static func resolve(_ option: String?) -> String {
        if let option {
            // A file that exists, or a path to one, is taken as it is; anything else may be a listed name.
            if FileManager.default.fileExists(atPath: option) || (option.hasSuffix(".gguf") && option.contains("/")) { return option }
            return catalogEntry(named: option)?.path ?? option
        }
        if let model = env("MEDGEMMA_MODEL") { return model }
        return modelsDirectory + "/" + defaultModelFile
    }

    /// The vision part (llama.cpp `mmproj` GGUF) for a model: `--mmproj`, else
    /// `$MEDGEMMA_MMPROJ`, else the one `mmproj*.gguf` file beside the model (as the
    /// published medgemma-4b-it GGUFs ship it) when it fits the model (`VisionPairing`);
    /// nil when there is none or several, or the one found is another model's.
    public static func mmproj(_ option: String?, model: String) -> String? {
        pairedMMProj(option, model: model).path
    }

    /// `mmproj(_:model:)` with a note when an `mmproj` beside the model was passed over
    /// because it belongs to another model ("mmproj-4b.gguf beside the model is not used:
    /// …"), for the command to say before it goes on without images. One the user named
    /// (`--mmproj`, `$MEDGEMMA_MMPROJ`) is taken as it is: loading it says what is wrong.
    public static func pairedMMProj(_ option: String?, model: String) -> (path: String?, note: String?) {
        if let option { return (option, nil) }
        if let path = env("MEDGEMMA_MMPROJ") { return (path, nil) }
        guard let found = besideModel(model) ?? ollamaProjector(model) else { return (nil, nil) }
        if let why = VisionPairing.mismatch(mmproj: found, model: model) {
            return (nil, "\((found as NSString).lastPathComponent) beside the model is not used: \(why)")
        }
        return (found, nil)
    }

    static func catalogEntry(named name: String) -> LocalModel? {
        let models = ModelCatalog.scan(CatalogLocations(environment: ProcessInfo.processInfo.environment))
        return models.first { $0.name == name } ?? pulled(shortName: name, among: models)
    }

    /// A short name `medgemma pull` knows (`medgemma-4b-it`) once pulled: the model file in
    /// our models folder that came from its repository (`medgemma-4b-it-Q4_K_M.gguf`), the
    /// Q4_K_M one when several quantizations were pulled, else the smallest.
    static func pulled(shortName: String, among models: [LocalModel]) -> LocalModel? {
        guard let known = KnownModels.entry(named: shortName) else { return nil }
        let stem = known.pulledFilePrefix.lowercased()
        let candidates = models.filter { $0.source == .medgemma && $0.name.lowercased().hasPrefix(stem) && !$0.name.lowercased().contains("mmproj") }
        return candidates.first { $0.name.uppercased().hasSuffix("-" + QuantChoice.defaultQuant) }
            ?? candidates.min { $0.size < $1.size }
    }

    /// An Ollama model's vision part, named in its manifest rather than lying beside it;
    /// only a model in Ollama's blob store has one (so opening any other model never
    /// walks the other tools' folders).
    static func ollamaProjector(_ model: String) -> String? {
        let store = CatalogLocations(environment: ProcessInfo.processInfo.environment).ollama + "/blobs/"
        guard model.hasPrefix(store) else { return nil }
        return ModelCatalog.ollama(String(store.dropLast("/blobs/".count))).first { $0.path == model }?.mmproj
    }

    /// The one `mmproj*.gguf` in the model's folder, nil when there is none or several.
    private static func besideModel(_ model: String) -> String? {
        let dir = model.contains("/") ? String(model[..<model.lastIndex(of: "/")!]) : "."
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        let candidates = entries.filter { $0.lowercased().hasPrefix("mmproj") && $0.lowercased().hasSuffix(".gguf") }
        return candidates.count == 1 ? dir + "/" + candidates[0] : nil
    }
}
