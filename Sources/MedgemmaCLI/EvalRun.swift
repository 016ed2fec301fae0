import Foundation
import Evaluation
import GGUF
import Gemma
import Support
import Workstation

/// One `medgemma eval TASK.jsonl`: the backend, the run file, the items in turn with a
/// progress line, Ctrl-C to stop after the item in progress, then the summary.
struct EvalRun {
    let options: EvalOptions
    let task: TaskFile
    let args: ParsedArguments
    let command: String

    func run() throws -> Int32 {
        // A task file holds one kind of item (`TaskFile`).
        let isReport = task.items[0].isReport
        if isReport, args["--scoring"] != nil || args.has("--chat") || options.shuffle {
            throw UsageError(command: command, "\(task.path) holds report items: they are always answered by generation (--scoring, --chat and --shuffle-options do not apply)")
        }
        let mode = isReport ? EvalMode.generate : options.mode
        let selected = ItemSelection.indices(count: task.items.count, limit: options.limit, seed: options.drawSeed).map { task.items[$0] }
        // Every picture is there before a model is loaded.
        let folder = (task.path as NSString).deletingLastPathComponent
        for item in selected {
            guard let file = TaskImage.file(of: item) else { continue }
            let path = TaskImage.path(file, taskFolder: folder)
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CommandFailure("\(task.path): item \(item.id): image \(path): no such readable file")
            }
        }
        let withImage = selected.first { TaskImage.file(of: $0) != nil }
        let setup = try backend(mode: mode, needsImages: withImage)
        let header = RunHeader(task: task.path, taskSHA256: try SHA256.hex(ofFile: task.path), model: setup.modelName,
                               mode: mode.name(for: task.items[0]), chat: options.chat, seed: Int(options.seed),
                               shuffleOptions: options.shuffle)
        var done: [ItemResult] = []
        let writer = try options.out.map { try openRun($0, header: header, done: &done) }
        // A resumed run with another --limit: the summary covers the items chosen now.
        let selectedIDs = Set(selected.map(\.id))
        done = done.filter { selectedIDs.contains($0.id) }
        let doneIDs = Set(done.map(\.id))
        let todo = selected.filter { !doneIDs.contains($0.id) }
        let evaluator = ItemEvaluator(
            mode: mode, backend: setup.backend, scorer: setup.scorer, images: setup.images,
            taskFolder: folder, labels: task.labels,
            prompt: task.prompt ?? EvalCommand.defaultPrompt,
            maxTokens: options.maxTokens ?? (isReport ? 256 : 32), shuffleSeed: options.shuffle ? options.seed : nil)
        if !done.isEmpty { Console.err("resuming \(options.out!): \(done.count) items done, \(todo.count) to go\n") }

        let interrupt = InterruptWatcher {
            Console.err("\nstopping after the item in progress…\n")
            evaluator.current.stop()
        }
        var progress = EvalProgress(total: todo.count)
        for item in todo where !evaluator.current.isStopped {
            guard let result = try evaluateOne(item, evaluator) else { break }
            try writer?.append(result)
            done.append(result)
            progress.step(correct: result.correct)
        }
        interrupt.stop()
        progress.finish()
        let stopped = evaluator.current.isStopped
        try printSummary(done, mode: mode, isReport: isReport, setup: setup)
        if stopped {
            let resume = options.out.map { " — continue with --out \($0) --resume" } ?? " (no --out: nothing was kept)"
            Console.err("stopped after \(done.count) of \(selected.count) items\(resume)\n")
        }
        Console.err(Disclaimer.text + "\n")
        return stopped ? 130 : 0
    }

    private func evaluateOne(_ item: EvalItem, _ evaluator: ItemEvaluator) throws -> ItemResult? {
        do {
            return try evaluator.evaluate(item)
        } catch let error as TaskFileError {
            throw CommandFailure(error.description)
        } catch {
            throw CommandFailure("\(task.path): item \(item.id): \(error)")
        }
    }

    /// The run file: new (an existing one is refused, not replaced), or resumed after
    /// `RunWriter` checked it is the same run; `done` gets the items it already holds.
    private func openRun(_ path: String, header: RunHeader, done: inout [ItemResult]) throws -> RunWriter {
        let exists = FileManager.default.fileExists(atPath: path)
        do {
            let writer = try RunWriter(path: path, header: header, resuming: options.resume)
            if let resumed = writer.resumed {
                if resumed.droppedPartialLine { Console.err("\(path): its last line was cut short (a crash?); that item runs again\n") }
                done = resumed.results
            }
            return writer
        } catch {
            throw CommandFailure(error.description + (exists && !options.resume ? " — add --resume to continue that run" : ""))
        }
    }

    private func printSummary(_ results: [ItemResult], mode: EvalMode, isReport: Bool, setup: EvalBackend) throws {
        let title = "\((task.path as NSString).lastPathComponent) · \(setup.modelName) · \(describe(mode, isReport: isReport))"
        guard !results.isEmpty else {
            Console.out(options.json ? "{\"n\": 0}\n" : "\(title)\nno items evaluated\n")
            return
        }
        let text: String, object: [String: Any]
        if isReport {
            let summary = ReportSummary(results: results)
            (text, object) = (SummaryReport.text(summary, title: title), SummaryReport.object(summary))
        } else if task.items[0].isClassification {
            let summary = ClassificationSummary(results: results, labels: task.labels)
            (text, object) = (SummaryReport.text(summary, title: title), SummaryReport.object(summary))
        } else {
            let summary = AccuracySummary(results: results)
            (text, object) = (SummaryReport.text(summary, title: title), SummaryReport.object(summary))
        }
        if options.json {
            var run = object
            run["task"] = task.path
            run["model"] = setup.modelName
            run["mode"] = mode.name(for: task.items[0])
            run["chat"] = options.chat
            run["base_model"] = setup.notice != nil
            Console.out(SummaryReport.serialized(run) + "\n")
        } else {
            Console.out(text.hasSuffix("\n") ? text : text + "\n")
            if let notice = setup.notice { Console.out("\n" + notice + "\n") }
        }
    }

    private func describe(_ mode: EvalMode, isReport: Bool) -> String {
        if isReport { return "generated reports (greedy)" }
        switch mode {
        case .likelihood(let rule): return "\(rule.rawValue) (\(rule.reference))" + (options.chat ? ", chat template" : "")
        case .generate: return "generated letters (greedy, chat template)"
        }
    }

    /// The backend and what comes with it: the in-process engine with its likelihood
    /// scorer and image encoder, or a server (generation only).
    private func backend(mode: EvalMode, needsImages item: EvalItem?) throws -> EvalBackend {
        switch try BackendOptions.choice(args, command: command) {
        case .remote(let endpoint, let model, let imageSize):
            if case .likelihood = mode {
                throw CommandFailure("\(endpoint): likelihood scoring needs each option's log-probability given the prompt, which an OpenAI-compatible chat server does not return; use --generate with a server, or the in-process engine (--backend local)")
            }
            let remote = try BackendOptions.remote(endpoint, model: model, imageSize: imageSize, args: args, command: command)
            if let item, !remote.acceptsImages {
                throw CommandFailure("\(task.path): item \(item.id) has an image and \(remote.displayName) takes no images")
            }
            return EvalBackend(backend: remote, scorer: nil, images: nil, modelName: remote.displayName, notice: nil)
        case .local:
            let modelPath = ModelLocator.resolve(args["--model"])
            var mmproj: String?
            if let item {
                let paired = ModelLocator.pairedMMProj(args["--mmproj"], model: modelPath)
                guard let path = paired.path else {
                    let found = paired.note.map { " (\($0))" } ?? ""
                    throw CommandFailure("\(task.path): item \(item.id) has an image and \((modelPath as NSString).lastPathComponent) has no vision part here\(found): pass --mmproj FILE (the mmproj GGUF published beside the model)")
                }
                mmproj = path
            }
            let local = try BackendOptions.local(modelPath: modelPath, contextSize: options.context, mmproj: mmproj,
                                                 adapters: try LoRAOption.requests(args, command: command))
            var scorer: LikelihoodScorer?
            if case .likelihood(let rule) = mode {
                scorer = LikelihoodScorer(engine: local.engine, rule: rule, chat: options.chat, contextSize: options.context)
            }
            let file = local.engine.model.file
            // An adapter is part of what is measured: "base.gguf + adapter.gguf:0.5".
            let adapters = local.engine.model.adapters.map { " + \($0.name)" + ($0.userScale == 1 ? "" : ":\($0.userScale)") }.joined()
            return EvalBackend(backend: local, scorer: scorer, images: local.images, modelName: (modelPath as NSString).lastPathComponent + adapters,
                               notice: BaseModelNotice.line(for: file, path: modelPath))
        }
    }
}

/// What answers an evaluation.
struct EvalBackend {
    let backend: InferenceBackend
    let scorer: LikelihoodScorer?
    let images: ImageEmbeddingProvider?
    let modelName: String
    let notice: String?
}
