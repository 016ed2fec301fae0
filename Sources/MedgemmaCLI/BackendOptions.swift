import Foundation
import GGUF
import Gemma
import MedImaging
import RemoteInference
import TUI
import VisionPreprocessing
import Workstation

/// Which backend answers a command: the in-process engine, or an OpenAI-compatible server
/// (`--backend URL`, `--remote-model NAME`, `--api-key-file F`), with the config file
/// (`BackendConfig`) and `$MEDGEMMA_API_KEY` filling in what the command line leaves out.
///
/// Precedence: the command line, then the environment, then the config file. `--backend
/// local` forces the in-process engine whatever the config says.
enum BackendOptions {
    static let options = ["--backend", "--remote-model", "--api-key-file"]

    static let help = """
      --backend URL      answer through an OpenAI-compatible server (vLLM, llama-server,
                         Ollama) at its API base, e.g. http://127.0.0.1:8000/v1; 'local' is
                         the in-process engine (default: 'backend' in ~/.config/medgemma/config,
                         else local)
      --remote-model M   the server's model name (default: 'remote-model' in the config, else
                         the server's only model)
      --api-key-file F   a file (mode 0600) holding the server's API key (default:
                         $MEDGEMMA_API_KEY, else 'api-key-file' in the config)
    """

    /// What the command line, environment and config chose.
    enum Choice {
        case local
        /// A server; `model` nil means "the server's only model".
        case remote(RemoteEndpoint, model: String?, imageSize: Int)
    }

    static func choice(_ args: ParsedArguments, command: String,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Choice {
        let config: BackendConfig
        do {
            config = try BackendConfig.load(path: BackendConfig.path(environment: environment))
        } catch {
            throw CommandFailure("\(error)")
        }
        let backend = args["--backend"] ?? config.backend ?? "local"
        guard backend.lowercased() != "local" else {
            for option in ["--remote-model", "--api-key-file"] where args[option] != nil {
                throw UsageError(command: command, "\(option) needs --backend URL")
            }
            return .local
        }
        let key: APIKey?
        do {
            if let file = args["--api-key-file"] {
                key = try APIKey.load(file: file)
            } else if let env = APIKey.fromEnvironment(environment) {
                key = env
            } else if let file = config.apiKeyFile {
                key = try APIKey.load(file: file)
            } else {
                key = nil
            }
        } catch {
            throw CommandFailure("\(error)")
        }
        let endpoint: RemoteEndpoint
        do {
            endpoint = try RemoteEndpoint(url: backend, apiKey: key, timeout: config.timeout ?? RemoteEndpoint.defaultTimeout)
        } catch {
            throw UsageError(command: command, "--backend: \(error)")
        }
        return .remote(endpoint, model: args["--remote-model"] ?? config.remoteModel,
                       imageSize: config.imageSize ?? RemoteBackend.defaultImageSize)
    }

    /// The backend for a command. Local: the model `modelPath` with a context of
    /// `contextSize`, and its vision part when `mmproj` is given (`wrapVision` may wrap
    /// the image encoder, e.g. to report its timing). Remote: checks that no local-only
    /// option was given, and asks the server for its model when none was named.
    static func make(_ args: ParsedArguments, command: String, modelPath: String, contextSize: Int,
                     mmproj: String? = nil, panAndScan: PanAndScanOptions? = nil, cache: EmbeddingCache? = nil,
                     wrapVision: (ImageEmbeddingProvider) -> ImageEmbeddingProvider = { $0 }) throws -> InferenceBackend {
        switch try choice(args, command: command) {
        case .local:
            return try local(modelPath: modelPath, contextSize: contextSize, mmproj: mmproj, panAndScan: panAndScan,
                             cache: cache, wrapVision: wrapVision)
        case .remote(let endpoint, let model, let imageSize):
            return try remote(endpoint, model: model, imageSize: imageSize, args: args, command: command)
        }
    }

    /// The server the config names while this command runs the in-process engine
    /// (`--backend local` over a config's `backend`): offered by the workstation for work
    /// too heavy for this machine, connected only when chosen. Nil when none is configured.
    static func configuredServer(command: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> RemoteBackendOffer? {
        guard let configured = try? BackendConfig.load(path: BackendConfig.path(environment: environment)).backend,
              configured.lowercased() != "local" else { return nil }
        var options = ParsedArguments()
        options.options["--backend"] = configured
        guard case .remote(let endpoint, let model, let imageSize)? = try? choice(options, command: command, environment: environment) else {
            return nil
        }
        return RemoteBackendOffer(name: endpoint.description) {
            do {
                return try RemoteBackend.connect(endpoint, model: model, imageSize: imageSize)
            } catch {
                throw CommandFailure("\(error)")
            }
        }
    }

    /// The server as a backend, after checking that no local-only option was given; asks
    /// the server for its model when none was named.
    static func remote(_ endpoint: RemoteEndpoint, model: String?, imageSize: Int,
                       args: ParsedArguments, command: String) throws -> RemoteBackend {
        try rejectLocalOptions(args, command: command)
        do {
            return try RemoteBackend.connect(endpoint, model: model, imageSize: imageSize)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Options that only mean something to the in-process engine.
    static func rejectLocalOptions(_ args: ParsedArguments, command: String) throws {
        let localOnly: [(String, String)] = [
            ("--model", "names a local model file; a server's model is chosen with --remote-model NAME"),
            ("--mmproj", "is the in-process engine's vision part; the server loads its own"),
            ("--pan-and-scan", "needs the in-process engine"),
            ("--lora", "is applied by the in-process engine; a server loads its own adapters"),
        ]
        for (option, why) in localOnly where args[option] != nil {
            throw UsageError(command: command, "\(option) \(why) (or use --backend local)")
        }
    }

    /// The in-process engine on `modelPath`, named by the file's `general.name`.
    static func local(modelPath: String, contextSize: Int, mmproj: String? = nil, panAndScan: PanAndScanOptions? = nil,
                      cache: EmbeddingCache? = nil, adapters: [LoRAOption.Request] = [],
                      wrapVision: (ImageEmbeddingProvider) -> ImageEmbeddingProvider = { $0 }) throws -> LocalEngineBackend {
        try MemoryCheck.ensureFits(model: modelPath, mmproj: mmproj, contextSize: contextSize, adapters: adapters.map(\.path))
        let file = try GGUFFile(path: modelPath, residency: .memoryIfItFits)
        let name = (try file.metadata.string("general.name")) ?? (modelPath as NSString).lastPathComponent
        let engine = try Engine(model: GemmaModel(file: file), tokenizer: GemmaTokenizer(file: file))
        var encoder: VisionEncoder?
        if let mmproj {
            do {
                encoder = try VisionEncoder(path: mmproj, for: engine.model)
            } catch {
                // The reader's errors name the file already; say it once.
                let text = "\(error)"
                throw CommandFailure(text.hasPrefix(mmproj) ? text : "\(mmproj): \(text)")
            }
        }
        // The tower takes its part of the adapters before its first image (cache keys name them).
        try LoRAOption.apply(adapters, to: engine.model, vision: encoder)
        let images = encoder.map {
            wrapVision(VisionEmbeddingProvider(pipeline: VisionPipeline(encoder: $0, panAndScan: panAndScan), cache: cache))
        }
        return LocalEngineBackend(engine: engine, modelName: name, contextSize: contextSize, images: images)
    }
}
