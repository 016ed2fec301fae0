#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Workstation
import Gemma
import GGUF
import TUI

/// `medgemma [--model M] [--samples DIR] …` with no subcommand: opens the workstation.
/// Until the case, image and chat panes land, it opens the start screen on what was loaded.
enum WorkstationCommand {
    static let name = "medgemma"
    static let spec = ArgumentSpec(options: ["--model", "--mmproj", "--study", "--samples", "--theme", "--graphics"],
                                   aliases: ["-m": "--model"])

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let path = ModelLocator.resolve(args["--model"])
        let file = try GGUFFile(path: path)
        let config = try GemmaConfig(file: file)
        let tokenizer = try GemmaTokenizer(file: file)
        let samples = args["--study"] ?? args["--samples"] ?? "samples"
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw CommandFailure("the workstation needs an interactive terminal; for scripts use 'medgemma ask' (see 'medgemma --help')")
        }
        let name = (try file.metadata.string("general.name")) ?? String(path.split(separator: "/").last ?? "")
        let lines = [
            "Model     \(name) — \(config.layerCount) layers, d=\(config.embeddingLength), \(tokenizer.vocabularySize) tokens",
            "File      \(path)",
            "Studies   \(samples)",
            "",
            "The case, image and chat panes are being built.",
            "Meanwhile, from a shell:",
            "  medgemma ask \"What does a normal chest X-ray show?\"",
            "  medgemma info     medgemma tokenize     medgemma bench",
            "",
            Disclaimer.text,
        ]
        try WelcomeScreen.run(title: "MedGemma Workstation", lines: lines, footer: "q quit")
        return 0
    }
}
