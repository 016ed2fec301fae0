import Foundation
import Gemma
import MedImaging
import Support
import TUI
import Workstation

/// `medgemma report STUDY_DIR...`: drafts a structured report for each study without the
/// workstation, one after another, and saves each as Markdown plus FHIR (`ReportStore`).
///
/// It goes through the same `InferenceBackend` + `ChatSession` + `ReportRequest` path as
/// the workstation's report pane, so what a batch writes is what the pane would have
/// streamed. A study that fails (broken case, missing image, unwritable folder) is named
/// and skipped; the others are still drafted, and the exit status is 1 at the end.
enum ReportCommand: Subcommand {
    static let name = "report"
    static let summary = "draft structured reports (Markdown + FHIR) for studies, one after another"
    static let help = """
    Usage: medgemma report [--out DIR] [--image N] [--slices N] [--json] [--model M] [--mmproj P] [--lora FILE[:S]]
                           [--max-tokens N] [--temperature T] [--top-k K] [--top-p P]
                           [--seed S] [--ctx N] [--backend URL [--remote-model M]]
                           STUDY_DIR...

    Asks the model for a draft report — Indication, Technique, Comparison, Findings,
    Impression — for each study folder (a case.json and its images), using the case and
    its image N, and saves it as Markdown and as a FHIR R4 DiagnosticReport (status
    preliminary), both stamped with the model and mmproj sha256, the engine version, the
    settings and seed, the prompts, the image's hash, DICOM UIDs and preparation, the time
    and empty reviewer fields. Files go into STUDY_DIR/reports/ (mode 0600), or
    ~/.local/share/medgemma/reports/STUDY/ when the study folder cannot be written.
    A progress line per study goes to standard error. Studies that fail are named at the
    end, after the others are done, and the exit status is 1.

    Options:
      --out DIR          save every report in DIR instead (files named STUDY-report-TIME)
      --image N          the case image the report is about (default 1); sent to the model
                         when it has a vision part, otherwise the report uses the text only;
                         again for several images in one report, each sent in the order
                         given after its label "Image N (file):"
      --slices N         for a case image that is a series (a folder of DICOM slices): N
                         slices spread evenly through it, each after its label "Slice
                         i/n (z = … mm):", as 'ask --slices' sends them (default: its first
                         slice, the one the workstation opens on). With MedGemma each slice
                         is 260 prompt tokens: raise --ctx for more than a dozen
      --json             print a JSON summary (files and status of each study) at the end
    \(generation.help)
      --model M          the GGUF model (default: $MEDGEMMA_MODEL or the default model)
      --mmproj P         the vision part; default: $MEDGEMMA_MMPROJ, else the one
                         mmproj*.gguf beside the model
    \(LoRAOption.help(column: 21))
                         (named with its sha256 in every report's provenance)
    \(BackendOptions.help)
      -h, --help         show this help

    AI output is a research draft, not for clinical use; it requires review by a
    qualified clinician.

    """
    static let generation = GenerationOptions(maxTokens: 768, maxTokensMeaning: "tokens per report",
                                              sameSeed: "same seed and study, same report", takesContext: true)
    static let spec = ArgumentSpec(
        flags: ["--json"],
        options: ["--out", "--image", ImageQuestion.slicesOption, "--model", "--mmproj", LoRAOption.option] + generation.options + BackendOptions.options,
        aliases: ["-m": "--model", "-o": "--out"].merging(GenerationOptions.aliases) { a, _ in a },
        positionals: 1...100_000, positionalName: "STUDY_DIR")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let settings = try generation.settings(args, command: qualifiedName)
        let ctx = try generation.contextSize(args, command: qualifiedName)
        let imageNumbers = try Self.imageNumbers(args)
        let slices = try args[ImageQuestion.slicesOption].map { _ in
            try ArgumentParser.int(args, ImageQuestion.slicesOption, default: 1, range: ImageQuestion.slicesRange, command: qualifiedName)
        }
        let json = args.has("--json")
        let hashes = FileHashCache.shared
        let backend: InferenceBackend
        let modelStamp: StampedFile
        var mmprojStamp: StampedFile?
        let imageSize: Int?
        switch try BackendOptions.choice(args, command: qualifiedName) {
        case .local:
            let modelPath = ModelLocator.resolve(args["--model"])
            let (mmproj, pairingNote) = ModelLocator.pairedMMProj(args["--mmproj"], model: modelPath)
            if let pairingNote { Console.err("\(qualifiedName): \(pairingNote)\n") }
            let local = try BackendOptions.local(modelPath: modelPath, contextSize: ctx, mmproj: mmproj, cache: EmbeddingCache(),
                                                 adapters: try LoRAOption.requests(args, command: qualifiedName))
            if let mmproj {
                mmprojStamp = StampedFile(name: fileName(mmproj), sha256: try hashes.sha256(ofFileAt: mmproj))
            } else {
                Console.err("\(qualifiedName): the model has no vision part (mmproj): images are not sent, reports use the case text only (pass --mmproj FILE)\n")
            }
            modelStamp = StampedFile(name: fileName(modelPath), sha256: try hashes.sha256(ofFileAt: modelPath))
            imageSize = (local.images as? VisionEmbeddingProvider)?.pipeline.encoder.config.imageSize
            backend = local
        case .remote(let endpoint, let model, let size):
            let remote = try BackendOptions.remote(endpoint, model: model, imageSize: size, args: args, command: qualifiedName)
            // The server's file is not ours to hash: the stamp names the model as served.
            modelStamp = StampedFile(name: remote.model, sha256: nil)
            imageSize = remote.imageSize
            backend = remote
        }
        let job = Job(backend: backend, model: modelStamp, mmproj: mmprojStamp,
                      imageSize: imageSize, imageNumbers: imageNumbers, slices: slices,
                      settings: settings, out: args["--out"], hash: hashes)

        final class Current: @unchecked Sendable {
            let lock = NSLock()
            var session: ChatSession?
            var interrupted = false
        }
        let current = Current()
        let interrupt = InterruptWatcher {
            current.lock.withLock { current.interrupted = true; return current.session }?.cancel()
        }
        defer { interrupt.stop() }

        var outcomes: [ReportOutcome] = []
        let studies = args.positionals
        for (k, path) in studies.enumerated() {
            if current.lock.withLock({ current.interrupted }) { break }
            let name = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL.lastPathComponent
            if Console.errIsTerminal { Console.err("study \(k + 1) of \(studies.count) · \(name) · generating…\r") }
            let outcome = job.draft(path) { session in current.lock.withLock { current.session = session } }
            outcomes.append(outcome)
            let status = outcome.saved != nil ? "\(Format.fixed(outcome.tokensPerSecond, 1)) tok/s" : "failed: \(outcome.error ?? "")"
            Console.err((Console.errIsTerminal ? "\u{1B}[2K" : "") + "study \(k + 1) of \(studies.count) · \(name) · \(status)\n")
            if !json, let saved = outcome.saved { Console.out("\(path): \(saved.markdownPath) \(saved.fhirPath)\n") }
        }
        let failed = outcomes.filter { $0.saved == nil }.map(\.study)
        let interrupted = current.lock.withLock { current.interrupted }
        if json {
            let summary: JSONValue = .object([
                ("studies", .array(outcomes.map(\.json))),
                ("failed", .array(failed.map(JSONValue.string))),
                ("interrupted", .bool(interrupted)),
                ("disclaimer", .string(Disclaimer.text)),
            ])
            Console.out(summary.rendered() + "\n")
        }
        Console.err(Disclaimer.text + "\n")
        if interrupted {
            Console.err("\(qualifiedName): interrupted after \(outcomes.count) of \(studies.count) studies\n")
            return 130
        }
        if !failed.isEmpty {
            Console.err("\(qualifiedName): \(failed.count) of \(studies.count) studies failed: \(failed.joined(separator: ", "))\n")
            return 1
        }
        return 0
    }

    static func fileName(_ path: String) -> String { (path as NSString).lastPathComponent }

    /// Every `--image N`, in order (default: image 1); the same image twice is refused.
    static func imageNumbers(_ args: ParsedArguments) throws -> [Int] {
        var numbers: [Int] = []
        for text in args.all("--image") {
            var one = ParsedArguments()
            one.options["--image"] = text
            let n = try ArgumentParser.int(one, "--image", default: 1, range: 1...CaseFile.maxImages, command: qualifiedName)
            if numbers.contains(n) { throw UsageError(command: qualifiedName, "--image \(n) is given twice") }
            numbers.append(n)
        }
        return numbers.isEmpty ? [1] : numbers
    }

    /// What stays the same for every study of a batch.
    struct Job {
        let backend: InferenceBackend
        let model: StampedFile
        let mmproj: StampedFile?
        let imageSize: Int?
        let imageNumbers: [Int]
        /// `--slices`: how many slices of a series entry go (nil: its first slice only).
        let slices: Int?
        let settings: GenerationSettings
        let out: String?
        let hash: FileHashCache

        /// Drafts and saves the report of one study; never throws: a failure is the outcome.
        func draft(_ path: String, running: (ChatSession?) -> Void) -> ReportOutcome {
            var outcome = ReportOutcome(study: path)
            do {
                let (saved, stats) = try draftAndSave(path, running: running)
                outcome.saved = saved
                outcome.generatedTokens = stats?.generatedTokens ?? 0
                outcome.tokensPerSecond = stats?.decodeTokensPerSecond ?? 0
            } catch {
                outcome.error = OneLine.clean("\(error)", controls: .joinedLines)
            }
            return outcome
        }

        private func draftAndSave(_ path: String, running: (ChatSession?) -> Void) throws -> (SavedReport, GenerationStats?) {
            let study = Study(path: path)
            if let error = study.error { throw error }
            guard let caseFile = study.caseFile else { throw CommandFailure("\(path): no case") }
            var pictures: [[ImageAttachment]] = []
            var seriesSizes: [Int: Int] = [:]
            var stamped: [StampedImage] = []
            for imageNumber in imageNumbers {
                guard study.images.indices.contains(imageNumber - 1) else {
                    throw CommandFailure("\(path): the case has no image \(imageNumber) (it has \(study.images.count))")
                }
                let entry = study.images[imageNumber - 1]
                if let problem = entry.problem { throw CommandFailure(problem) }
                // Each picture sent (a series' chosen slices, or the image) is stamped as its own file.
                var group: [ImageAttachment] = []
                let (chosen, seriesSize, ctWindows) = try picturesToSend(of: entry)
                for (image, frame, shown, label) in chosen {
                    let preparation: String
                    if backend.acceptsImages {
                        do {
                            let made = ctWindows
                                ? try ImagePreparation.ctWindowsAttachment(image, frame: frame, source: shown.image.file, modelImageSize: imageSize)
                                : try ImagePreparation.attachment(for: shown, image: image, frame: frame, modelImageSize: imageSize)
                            group.append(made.labelled(label))
                            preparation = made.preparation
                        } catch {
                            throw CommandFailure("\(shown.path): \(error)")
                        }
                    } else {
                        preparation = "no vision part (mmproj) loaded; the report is from the case text only"
                    }
                    stamped.append(StampedImage(file: shown.image.file, sha256: try hash.sha256(ofFileAt: shown.url.path),
                                                preparation: preparation, sentToModel: backend.acceptsImages, metadata: image.metadata))
                }
                if let seriesSize { seriesSizes[imageNumber] = seriesSize }
                pictures.append(group)
            }
            let request = ReportRequest(caseFile: caseFile, imageNumbers: imageNumbers,
                                        pictures: backend.acceptsImages ? pictures : [], seriesSizes: seriesSizes, sampling: settings)
            var stamp = ReportStamp(request: request, backend: backend.displayName, model: model, mmproj: mmproj,
                                    images: stamped, date: Date(), timeZone: .current)
            stamp.adapters = StampedAdapter.of(backend)

            let session = ChatSession(backend: backend, settings: request.settings)
            running(session)
            defer { running(nil) }
            try request.start(on: session)
            session.waitUntilIdle()
            let snapshot = session.snapshot()
            if let note = snapshot.entries.last, note.role == .note { throw CommandFailure(note.text) }
            guard let text = ReportRequest.draftText(in: snapshot), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CommandFailure("\(path): the model wrote nothing")
            }
            let draft = DraftReport(text: text, stamp: stamp)
            do {
                return (try ReportStore().save(draft, for: study, into: out), snapshot.lastStats)
            } catch {
                // Nowhere to save it (a full disk, a file-size limit, a read-only folder): the
                // draft goes to standard output, so the work is not lost with the process.
                Console.out(UnsavedDraftPrintout.text(subject: path, problem: "\(error)", draft: text))
                throw error
            }
        }

        /// What a case image sends: an image file itself; a series entry's first slice, or
        /// with `--slices` its chosen slices (`SeriesQuestion`, the folder's first series as
        /// the workstation shows it), each with its label and its own file for the stamp;
        /// the series' slice count; and whether the slices go through the three CT windows
        /// (a CT series, as `ask --slices` and Google's notebook send it).
        private func picturesToSend(of entry: StudyImage) throws
            -> (pictures: [(image: MedicalImage, frame: Int, shown: StudyImage, label: String?)], seriesSize: Int?, ctWindows: Bool) {
            guard entry.isSeries, let slices else {
                let (image, frame, shown) = try entry.loadFirstPicture()
                return ([(image, frame, shown, nil)], nil, false)
            }
            let question = SeriesQuestion(path: entry.url.path, series: try DICOMSeriesFolder.open(path: entry.url.path).series[0],
                                          wanted: slices)
            var chosen: [(MedicalImage, Int, StudyImage, String?)] = []
            try question.forEachChosenSlice { index, image, frame in
                chosen.append((image, frame, entry.slice(at: question.series.slices[index].header.path), question.label(forSlice: index)))
            }
            return (chosen, question.series.slices.count, question.isCT)
        }

    }
}
