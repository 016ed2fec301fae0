#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Workstation
import Gemma
import GGUF
import TUI

/// `medgemma [--model M] [--samples DIR] …` with no subcommand: opens the workstation
/// (`WorkstationApp`) on the model and the study library.
///
/// A study folder that cannot be read is not fatal: the workstation opens without
/// studies and says why in the status bar, so the chat still works.
enum WorkstationCommand {
    static let name = "medgemma"
    static let spec = ArgumentSpec(options: ["--model", "--mmproj", "--study", "--samples", "--theme", "--graphics"],
                                   aliases: ["-m": "--model"])
    /// Context size of the workstation's conversation.
    static let contextSize = 4096

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let path = ModelLocator.resolve(args["--model"])
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw CommandFailure("the workstation needs an interactive terminal; for scripts use 'medgemma ask' (see 'medgemma --help')")
        }
        let backend = try localBackend(model: path, mmproj: ModelLocator.mmproj(args["--mmproj"], model: path))

        let folder = args["--study"] ?? args["--samples"] ?? "samples"
        var notes: [String] = []
        var library: StudyLibrary?
        do {
            library = try StudyLibrary(path: folder)
            if let studies = library?.studies {
                if studies.isEmpty {
                    notes.append("no studies in \(folder)")
                } else if !studies.contains(where: \.isUsable) {
                    notes.append("no study in \(folder) can be opened: " + (studies[0].problems.first ?? "no image"))
                }
            }
        } catch {
            notes.append("studies: \(error.description)")
        }
        if backend.images == nil { notes.append("text only: images stay on screen (--mmproj to ask)") }

        let app: WorkstationApp
        do {
            app = try WorkstationApp(backend: backend, library: library, graphics: args["--graphics"], theme: args["--theme"],
                                     loadBackend: { try localBackend(model: $0, mmproj: ModelLocator.mmproj(nil, model: $0)) },
                                     startupMessage: notes.isEmpty ? nil : notes.joined(separator: " · "))
        } catch {
            throw CommandFailure("\(error)")
        }
        try app.run()
        return 0
    }

    /// The in-process engine for a model file, with its vision part when an mmproj is
    /// given: images then go through the on-disk embedding cache.
    static func localBackend(model path: String, mmproj: String?) throws -> LocalEngineBackend {
        let file = try GGUFFile(path: path)
        let name = (try file.metadata.string("general.name")) ?? String(path.split(separator: "/").last ?? "")
        let engine = try Engine(path: path)
        var images: VisionEmbeddingProvider?
        if let mmproj {
            do {
                let encoder = try VisionEncoder(path: mmproj, for: engine.model)
                images = VisionEmbeddingProvider(pipeline: VisionPipeline(encoder: encoder), cache: EmbeddingCache())
            } catch {
                throw CommandFailure("\(mmproj): \(error)")
            }
        }
        return LocalEngineBackend(engine: engine, modelName: name, contextSize: contextSize, images: images)
    }
}
