import Glibc
import Workstation
import Dispatch
import Gemma

/// `medgemma ask "question"`: one chat turn, streamed as it is generated.
enum AskCommand: Subcommand {
    static let name = "ask"
    static let summary = "ask the model one question in the chat template; the answer streams"
    static let help = """
    Usage: medgemma ask [--model M] [--lora FILE[:S]] [--system S] [--max-tokens N] [--temperature T]
                        [--top-k K] [--top-p P] [--seed S] [--ctx N]
                        [--backend URL [--remote-model NAME] [--api-key-file F]]
                        [--image FILE [--mmproj P] [--window W/C | --ct-windows]
                         [--pan-and-scan N] [--save-model-input PNG]]
                        [--image DIR|MULTIFRAME.dcm [--slices N] [--series N]]
                        [--compare-prior STUDY_DIR] QUESTION

    Asks QUESTION as one user turn of the Gemma chat template (with the system instruction
    S folded in) and streams the answer to standard output as it is generated; timings go
    to standard error. QUESTION '-' reads standard input. Ctrl-C stops generation cleanly
    and keeps what was written. With --backend URL the question goes to an
    OpenAI-compatible server instead of the in-process engine.

    Options:
      --system S         a system instruction, e.g. "You are an expert radiologist."
    \(generation.help)
      --model M          the GGUF model (default: $MEDGEMMA_MODEL or the default model)
    \(LoRAOption.help(column: 21))
    \(BackendOptions.help)
    \(ImageQuestion.help)
                         --image again for several pictures in one question: each goes
                         in the order given, introduced by its file name, before QUESTION
                         (same window and options for all); what they cost here (encode
                         time measured on this machine, prefill tokens) is said first
    \(ImageQuestion.slicesHelp)
    \(ImageQuestion.compareHelp)
      -h, --help         show this help

    AI output is a research draft, not for clinical use.

    """
    static let generation = GenerationOptions(maxTokens: 512, maxTokensMeaning: "tokens in the answer",
                                              sameSeed: "same seed and question, same answer", takesContext: true)
    static let spec = ArgumentSpec(
        flags: ImageQuestion.flags,
        options: ["--model", LoRAOption.option, "--system", ImageQuestion.compareOption, ImageQuestion.slicesOption, ImageQuestion.seriesOption] + generation.options + ImageQuestion.options + BackendOptions.options,
        aliases: ["-m": "--model", "-s": "--system"].merging(GenerationOptions.aliases) { a, _ in a },
        positionals: 1...1, positionalName: "QUESTION")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let settings = try generation.settings(args, command: qualifiedName, system: args["--system"])
        let ctx = try generation.contextSize(args, command: qualifiedName)
        let question = try PromptInput.read(args.positionals[0])
        let comparison = try ImageQuestion.comparison(args, command: qualifiedName)
        let requests = try ImageQuestion.requests(args, command: qualifiedName)
        let series = try ImageQuestion.series(args, requests: requests, command: qualifiedName)
        let image = requests.first ?? comparison.map(ImageQuestion.request(for:))
        let backend: InferenceBackend
        switch try BackendOptions.choice(args, command: qualifiedName) {
        case .local:
            let modelPath = ModelLocator.resolve(args["--model"])
            let mmproj = try image.map { try ImageQuestion.mmproj(args, request: $0, modelPath: modelPath) }
            // Several pictures go through the disk embedding cache, as in the workstation, so
            // asking again about the same series or prior costs no encode.
            let several = requests.count > 1 || comparison != nil || series != nil
            backend = try BackendOptions.local(modelPath: modelPath, contextSize: ctx, mmproj: mmproj,
                                               panAndScan: try image?.panAndScan, cache: several ? EmbeddingCache() : nil,
                                               adapters: try LoRAOption.requests(args, command: qualifiedName)) { vision in
                (vision as? VisionEmbeddingProvider).map { ImageQuestion.Reporter($0) } ?? vision
            }
        case .remote(let endpoint, let model, let imageSize):
            backend = try BackendOptions.remote(endpoint, model: model, imageSize: imageSize, args: args, command: qualifiedName)
        }
        if let series {
            let windows = series.takesCTWindows(requests[0]) ? " (CT windows as R, G, B, as Google's notebook; --window W/C for one window)" : ""
            Console.err(series.summary + windows + "\n")
        }
        let attachments = try comparison?.attachments(modelImageSize: nil) ?? series?.attachments(requests[0]) ?? ImageQuestion.attachments(requests)
        if let image, let path = image.saveModelInput, let attachment = attachments.first {
            try ImageQuestion.saveModelInput(attachment, to: path, backend: backend)
        }
        if attachments.count > 1 || series != nil { try ImageQuestion.announceCost(of: attachments, question: question, backend: backend) }
        let reply = try StreamedReply.run { onEvent in
            backend.reply(to: [BackendMessage(.user, question, images: attachments)], settings: settings, onEvent: onEvent)
        }
        Console.out("\n")
        if let s = reply.stats { Console.err(Timing.line(s) + "\n") }
        Console.err(Disclaimer.text + "\n")
        return reply.stats?.stopReason == .cancelled ? 130 : 0
    }
}

/// A failure already phrased for the user.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
