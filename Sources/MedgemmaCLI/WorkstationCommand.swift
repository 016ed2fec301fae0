import Glibc
import Foundation
import RemoteInference
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
    static let spec = ArgumentSpec(options: ["--model", "--mmproj", LoRAOption.option, "--study", "--samples", "--theme", "--graphics"]
                                       + BackendOptions.options,
                                   aliases: ["-m": "--model"])
    /// Context size of the workstation's conversation: `ask`'s default.
    static let contextSize = GenerationOptions.defaultContextSize

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let path = ModelLocator.resolve(args["--model"])
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw CommandFailure("the workstation needs an interactive terminal; for scripts use 'medgemma ask' (see 'medgemma --help')")
        }
        // Images go through the on-disk embedding cache, so reopening a study costs nothing.
        let backend: InferenceBackend
        var mmproj: String?
        var pairingNote: String?
        switch try BackendOptions.choice(args, command: name) {
        case .local:
            let paired = ModelLocator.pairedMMProj(args["--mmproj"], model: path)
            mmproj = paired.path
            pairingNote = paired.note
            backend = try BackendOptions.local(modelPath: path, contextSize: contextSize, mmproj: mmproj, cache: EmbeddingCache(),
                                               adapters: try LoRAOption.requests(args, command: name))
        case .remote(let endpoint, let model, let imageSize):
            backend = try BackendOptions.remote(endpoint, model: model, imageSize: imageSize, args: args, command: name)
        }
        let remote = backend is RemoteBackend

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
            // The folder's own name: the problem must fit the status bar beside the state.
            notes.append("studies \((error.path as NSString).lastPathComponent): \(error.problem)")
        }
        if let pairingNote { notes.append(pairingNote) }
        if !backend.acceptsImages { notes.append("text only: images stay on screen (--mmproj to ask)") }

        // `:model FILE` loads another local model (a server chooses its own).
        let loader: (@Sendable (String) throws -> InferenceBackend)? = remote ? nil : loadLocal
        let app: WorkstationApp
        do {
            app = try WorkstationApp(backend: backend, library: library, graphics: args["--graphics"], theme: args["--theme"],
                                     loadBackend: loader,
                                     modelFiles: remote ? (nil, nil) : (path, mmproj),
                                     remote: remote ? nil : BackendOptions.configuredServer(command: name),
                                     modelChoices: remote ? nil : modelChoices,
                                     pullModel: remote ? nil : pullModel,
                                     applyAdapter: remote ? nil : applyAdapter,
                                     startupMessage: notes.isEmpty ? nil : notes.joined(separator: " · "))
        } catch {
            throw CommandFailure("\(error)")
        }
        try app.run()
        return 0
    }

    /// The models on this machine for the `:model` picker.
    @Sendable static func modelChoices() -> [ModelChoice] { ModelsCommand.choices() }

    /// A known model pulled from the picker.
    @Sendable static func pullModel(_ name: String, job: ModelPullJob) throws -> String { try ModelsCommand.pull(name, job: job) }

    /// `:lora FILE SCALE`: the adapter read and checked against the model, then applied beside
    /// the ones already on (the same file again takes the new scale); returns once applied.
    @Sendable static func applyAdapter(_ path: String, scale: Float, to backend: LocalEngineBackend) throws {
        // The status bar is one line: the file by its name, not its whole path.
        func shortened(_ error: Error) -> CommandFailure {
            CommandFailure("\(error)".replacingOccurrences(of: path, with: (path as NSString).lastPathComponent))
        }
        let adapter: ModelAdapter
        do {
            adapter = try LoRAOption.load(LoRAOption.Request(path: path, scale: scale), for: backend.engine.model.config,
                                          vision: (backend.images as? VisionEmbeddingProvider)?.pipeline.encoder.config)
        } catch {
            throw shortened(error)
        }
        // Written on the engine queue before the signal, read here after the wait.
        final class Outcome: @unchecked Sendable { var error: Error? }
        let applied = DispatchSemaphore(value: 0), outcome = Outcome()
        backend.setAdapters(backend.adapters.filter { $0.sha256 != adapter.sha256 } + [adapter]) { error in
            outcome.error = error
            applied.signal()
        }
        applied.wait()
        if let error = outcome.error { throw shortened(error) }
    }

    /// Another model file for `:model FILE`, with the mmproj found beside it.
    @Sendable static func loadLocal(_ path: String) throws -> InferenceBackend {
        let mmproj: String? = ModelLocator.mmproj(nil, model: path)
        return try BackendOptions.local(modelPath: path, contextSize: contextSize, mmproj: mmproj, cache: EmbeddingCache())
    }
}
