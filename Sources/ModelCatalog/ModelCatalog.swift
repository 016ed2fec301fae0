import Foundation

/// Every GGUF model on this machine that `medgemma models` lists: our models folder, and
/// what llama.cpp, Ollama and the Hugging Face hub cache already downloaded — so a model
/// fetched by another tool need not be fetched again. Vision parts (`mmproj`) are not
/// models; each is attached to the model it was found beside. Nothing here reads more
/// than directory listings, manifests and link targets: headers are the caller's.
public enum ModelCatalog {
    public static func scan(_ locations: CatalogLocations) -> [LocalModel] {
        plainFolder(locations.medgemma, source: .medgemma) + plainFolder(locations.llamaCpp, source: .llamaCpp)
            + ollama(locations.ollama) + huggingFace(locations.huggingFace)
    }

    /// Whether a file name is a vision part rather than a model.
    static func isVisionPart(_ name: String) -> Bool { name.lowercased().contains("mmproj") }

    /// A folder of GGUF files (ours, llama.cpp's cache): each model with the vision part
    /// beside it — the only one, or the one whose name shares the longest start with it
    /// (llama.cpp names files `USER_REPO_FILE`).
    static func plainFolder(_ folder: String, source: ModelSource) -> [LocalModel] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.lowercased().hasSuffix(".gguf") }.sorted()
        let parts = names.filter(isVisionPart)
        return names.filter { !isVisionPart($0) }.compactMap { name in
            let path = folder + "/" + name
            guard let size = regularFileSize(path) else { return nil }
            let vision = parts.count == 1 ? parts[0] : parts.max { commonPrefix($0, name) < commonPrefix($1, name) }
            let paired = vision.flatMap { parts.count == 1 || commonPrefix($0, name) > 0 ? folder + "/" + $0 : nil }
            let record = source == .medgemma ? VerificationRecord.read(besides: path)?.sha256 : nil
            return LocalModel(name: String(name.dropLast(".gguf".count)), path: path, source: source, size: size,
                              mmproj: paired, expectedSHA256: record)
        }
    }

    /// Ollama's models: one per manifest `manifests/HOST/NAMESPACE/NAME/TAG`, named
    /// `NAME:TAG` (with `HOST/NAMESPACE/` in front unless it is the default library).
    public static func ollama(_ root: String) -> [LocalModel] {
        let manifests = root + "/manifests"
        var found: [LocalModel] = []
        for host in listing(manifests) {
            for namespace in listing(manifests + "/" + host) {
                for model in listing(manifests + "/\(host)/\(namespace)") {
                    for tag in listing(manifests + "/\(host)/\(namespace)/\(model)") {
                        let file = manifests + "/\(host)/\(namespace)/\(model)/\(tag)"
                        guard let data = FileManager.default.contents(atPath: file), data.count < 1 << 20,
                              let manifest = try? JSONDecoder().decode(OllamaManifest.self, from: data),
                              let layer = manifest.model, let blob = OllamaManifest.blobName(layer.digest) else { continue }
                        let path = root + "/blobs/" + blob
                        guard let size = regularFileSize(path) else { continue }
                        let prefix = host == "registry.ollama.ai" && namespace == "library" ? "" : "\(host)/\(namespace)/"
                        let projector = manifest.projector.flatMap { OllamaManifest.blobName($0.digest) }.map { root + "/blobs/" + $0 }
                        found.append(LocalModel(name: "\(prefix)\(model):\(tag)", path: path, source: .ollama, size: size,
                                                mmproj: projector, expectedSHA256: String(blob.dropFirst("sha256-".count))))
                    }
                }
            }
        }
        return found
    }

    /// The hub cache: `models--ORG--NAME/snapshots/REVISION/FILE.gguf`, links into `blobs/`
    /// named by the file's sha256 (for files stored with LFS, as GGUF files are). Named
    /// `ORG/NAME/FILE` without `.gguf`.
    static func huggingFace(_ root: String) -> [LocalModel] {
        var found: [LocalModel] = []
        for repo in listing(root) where repo.hasPrefix("models--") {
            let id = repo.dropFirst("models--".count).replacingOccurrences(of: "--", with: "/")
            let snapshots = root + "/" + repo + "/snapshots"
            for revision in listing(snapshots) {
                let folder = snapshots + "/" + revision
                for model in plainFolder(folder, source: .huggingFace) {
                    var entry = model
                    entry.name = id + "/" + model.name
                    let blob = (try? FileManager.default.destinationOfSymbolicLink(atPath: model.path)).map { ($0 as NSString).lastPathComponent }
                    entry.expectedSHA256 = blob.flatMap { $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? $0.lowercased() : nil }
                    found.append(entry)
                }
            }
        }
        return found
    }

    private static func listing(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The size of a regular file (links followed); nil for anything else.
    static func regularFileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    private static func commonPrefix(_ a: String, _ b: String) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }
}
