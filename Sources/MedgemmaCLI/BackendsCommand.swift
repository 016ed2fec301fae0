import Foundation
import Gemma
import RemoteInference
import Support
import TUI
import Workstation

/// `medgemma backends check [URL]`: is this server usable as a backend? Lists its models
/// (`GET /models`) and runs a one-token chat completion through the same client the
/// workstation uses, printing what it found and how long each step took.
enum BackendsCommand: Subcommand {
    static let name = "backends"
    static let summary = "check an OpenAI-compatible server (vLLM, llama-server, Ollama) as a backend"
    static let help = """
    Usage: medgemma backends check [URL] [--remote-model NAME] [--api-key-file F]

    Lists the models the server at URL serves (GET URL/models) and asks one of them for a
    one-token reply (POST URL/chat/completions, streamed), printing the models, the time
    to the first token and the round trip. URL is the API base, e.g.
    http://127.0.0.1:8000/v1; without it, 'backend' from ~/.config/medgemma/config.
    The API key comes from --api-key-file, $MEDGEMMA_API_KEY or 'api-key-file' in the
    config, and is never printed. Exit status 0 when the server answered, 1 when not.

    Options:
      --remote-model NAME  the model to try (default: 'remote-model' in the config, else
                           the first model listed)
      --api-key-file F     a file (mode 0600) holding the API key
      -h, --help           show this help

    """
    static let spec = ArgumentSpec(options: ["--remote-model", "--api-key-file"],
                                   positionals: 1...2, positionalName: "action ('check') and URL")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        guard args.positionals[0] == "check" else {
            throw UsageError(command: qualifiedName, "unknown action '\(args.positionals[0])' (the action is 'check')")
        }
        var options = args
        if args.positionals.count > 1 { options.options["--backend"] = args.positionals[1] }
        guard case .remote(let endpoint, let configuredModel, let imageSize) = try BackendOptions.choice(options, command: qualifiedName) else {
            throw UsageError(command: qualifiedName, "which server? give its URL, e.g. 'medgemma backends check http://127.0.0.1:8000/v1'")
        }
        Console.out("server  \(endpoint)\(endpoint.apiKey == nil ? "" : " (with API key)")\n")

        let clock = ContinuousClock()
        var start = clock.now
        var model = configuredModel
        do {
            let models = try RemoteBackend.listModels(endpoint)
            let seconds = Format.seconds(clock.now - start)
            Console.out("models  \(models.count) listed in \(Format.fixed(seconds * 1000, 0)) ms\n")
            for m in models {
                Console.out("        \(m.id)\(m.contextSize.map { " (context \($0))" } ?? "")\n")
            }
            if model == nil {
                guard let first = models.first else { throw RemoteError.noModels(server: endpoint.description) }
                model = first.id
            }
        } catch let error as RemoteError {
            // A server may hide its model list; with a model named the round trip still tells.
            guard model != nil else { throw CommandFailure("\(error)") }
            Console.out("models  not listed: \(error)\n")
        }

        let backend = RemoteBackend(endpoint: endpoint, model: model!, imageSize: imageSize, retry: .none)
        var settings = GenerationSettings(sampling: .greedy, maxTokens: 1)
        settings.system = nil
        start = clock.now
        let reply = try StreamedReply.run(quiet: true) { onEvent in
            backend.reply(to: [BackendMessage(.user, "Say OK.")], settings: settings, onEvent: onEvent)
        }
        let total = Format.seconds(clock.now - start)
        guard let stats = reply.stats else { throw CommandFailure("no reply from \(endpoint)") }
        let text = "\"" + TerminalSanitizer.singleLine.sanitize(reply.text) + "\""
        Console.out("reply   \(text) from \(model!): first token after \(Format.fixed(Format.seconds(stats.timeToFirstToken), 3)) s, "
                    + "round trip \(Format.fixed(total, 3)) s (\(stats.stopReason.rawValue)"
                    + (stats.promptTokens > 0 ? ", prompt \(stats.promptTokens) tokens" : "") + ")\n")
        Console.out("ok      \(endpoint) answers as a backend (\(backend.displayName))\n")
        return 0
    }
}
