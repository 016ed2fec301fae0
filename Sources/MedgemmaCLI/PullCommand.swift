import Foundation
import Glibc
import ModelStore

/// `medgemma pull REPO[:FILE]`: a GGUF model (and its vision part) from a Hugging Face–
/// compatible hub into the models folder, resumable and verified, so a new user gets
/// MedGemma 4B with one command instead of finding files by hand.
enum PullCommand: Subcommand {
    static let name = "pull"
    static let summary = "download a GGUF model and its vision part from the Hugging Face hub"
    static var help: String {
        let width = KnownModels.all.map(\.name.count).max() ?? 0
        let names = KnownModels.all.map { "      \($0.name.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.repo)" }
        return """
        Usage: medgemma pull [--revision R] [--quant Q] NAME | REPO[:FILE]

        Downloads into the models folder ($MEDGEMMA_MODELS, else ~/.cache/medgemma/models):
          REPO        ORG/NAME: the GGUF file of quantization Q (default Q4_K_M, the smallest
                      such file) and the repository's vision part (mmproj*.gguf), saved as
                      REPONAME-mmproj-….gguf so that several models share the folder
          REPO:FILE   that one file
          NAME        a short name for a MedGemma release, from community GGUF conversions
                      (--model NAME then opens it):
        \(names.joined(separator: "\n"))

        Downloads are resumable: the bytes go to FILE.incomplete and the same command
        continues after Ctrl-C, a dropped connection or a crash. Each file is checked against
        the sha256 the hub publishes before it takes its name, and its .verified record is
        written (`medgemma models` shows it verified); free disk space is checked first.

        The hub is $HF_ENDPOINT (default https://huggingface.co); gated repositories (Google's
        own MedGemma ones) need a token: $HF_TOKEN, or ~/.cache/huggingface/token as
        `huggingface-cli login` writes it, after accepting the terms on the repository's page.

        Options:
          --revision R   branch, tag or commit (default main)
          --quant Q      quantization tag in the file name, e.g. Q8_0, Q5_K_M, BF16
          -h, --help     show this help

        Exit status: 0 on success, 1 when the download fails, 2 on a usage error, 130 after Ctrl-C.

        """
    }
    static let spec = ArgumentSpec(flags: [], options: ["--revision", "--quant"], positionals: 1...1, positionalName: "NAME or REPO[:FILE]")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let request: PullRequest
        do {
            request = try PullRequest(parsing: args.positionals[0], revision: args["--revision"], quant: args["--quant"])
        } catch {
            throw UsageError(command: qualifiedName, error.description)
        }
        var pull = ModelPull(endpoint: HubEndpoint(environment: ProcessInfo.processInfo.environment), folder: ModelLocator.modelsDirectory)
        let terminal = isatty(2) == 1
        pull.log = { Console.err("\($0)\n") }
        pull.progress = { name, have, total in
            DownloadProgress(name: name, total: total, alreadyHave: have, terminal: terminal) { Console.err($0) }
        }
        let partial = PartialPath()
        pull.onPartial = { partial.set($0) }
        // Ctrl-C: the partial file stays (every byte is already written to it) and the
        // message says so; the same command continues it.
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            let kept = partial.get().map { " (kept: \($0))" } ?? ""
            Console.err("\n\(qualifiedName): interrupted; run the same command to continue\(kept)\n")
            fflush(nil)
            _exit(130)
        }
        source.resume()
        defer { source.cancel(); signal(SIGINT, SIG_DFL) }

        let paths = try pull.run(request)
        for path in paths { Console.out("\(path)\n") }
        return 0
    }

    /// The partial file being written, shared with the Ctrl-C handler.
    final class PartialPath: @unchecked Sendable {
        private let lock = NSLock()
        private var path: String?
        func set(_ value: String) { lock.withLock { path = value } }
        func get() -> String? { lock.withLock { path } }
    }
}
