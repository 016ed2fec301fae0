import Gemma
import Workstation

/// `medgemma logits PROMPT`: the next-token logits after a prompt, as JSON — the check
/// used against llama.cpp and transformers, with or without an image.
enum LogitsCommand: Subcommand {
    static let name = "logits"
    static let summary = "print the top next-token logits after a prompt (and image), as JSON"
    static let help = """
    Usage: medgemma logits [--top K] [--chat] [--precision P] [--lora FILE[:S]] [--model M] PROMPT
           medgemma logits --chat --image FILE [--image-first] [--mmproj P]
                           [--window W/C | --ct-windows] [--pan-and-scan N]
                           [--save-model-input PNG] [--top K] [--model M] QUESTION

    Runs the model over PROMPT and prints the last position's K most likely next tokens:
      {"prompt_ids": [2, ...], "top": [{"id": 506, "piece": " the", "logit": 19.09}, ...]}
    PROMPT is raw text with special tokens such as <start_of_turn> parsed and BOS added,
    unless --chat wraps it as one user turn of the Gemma chat template followed by the
    generation prompt. PROMPT '-' reads standard input.

    With --image the user turn also shows the image, encoded through the mmproj and spliced
    in exactly as `ask --image` does it and as transformers' Gemma3Processor writes it:
    "\\n\\n" <start_of_image>, the image's rows, <end_of_image> "\\n\\n". The image goes after
    the question (the MedGemma model card's messages: text, then image), or before it with
    --image-first. In prompt_ids each image position shows the image token id (262144 for
    Gemma 3 / MedGemma; the vocabulary's <image_soft_token> where it has one). An image needs
    --chat: its place is set by the chat template (raw text has none).

    Options:
      --top K        how many tokens to list (default 20)
      --chat         wrap PROMPT in the chat template
      --image-first  put the image before the question instead of after it
    \(PrecisionOption.help(column: 17))
    \(LoRAOption.help(column: 17))
      --model M      the GGUF model (default: $MEDGEMMA_MODEL or the default model)
    \(ImageQuestion.help)
      -h, --help     show this help

    """
    static let spec = ArgumentSpec(flags: ["--chat", "--image-first"] + ImageQuestion.flags,
                                   options: ["--top", "--model", PrecisionOption.option, LoRAOption.option] + ImageQuestion.options, aliases: ["-m": "--model"],
                                   positionals: 1...1, positionalName: "PROMPT")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let top = try ArgumentParser.int(args, "--top", default: 20, range: 1...1000, command: qualifiedName)
        let image = try ImageQuestion.request(args, command: qualifiedName)
        if image == nil && args.has("--image-first") {
            throw UsageError(command: qualifiedName, "--image-first needs --image")
        }
        if image != nil && !args.has("--chat") {
            throw UsageError(command: qualifiedName, "--image needs --chat (the chat template places the image)")
        }
        let text = try PromptInput.read(args.positionals[0])
        let modelPath = ModelLocator.resolve(args["--model"])
        let mmproj = try image.map { try ImageQuestion.mmproj(args, request: $0, modelPath: modelPath) }
        let adapters = try LoRAOption.requests(args, command: qualifiedName)
        try MemoryCheck.ensureFits(model: modelPath, mmproj: mmproj, contextSize: text.utf8.count + 300, adapters: adapters.map(\.path))
        let engine = try Engine(path: modelPath)
        engine.model.precision = try PrecisionOption.parse(args, command: qualifiedName)
        let tokenizer = engine.tokenizer, model = engine.model
        var pipeline: VisionPipeline?
        if let image, let mmproj {
            pipeline = try ImageQuestion.pipeline(mmproj: mmproj, textWidth: model.config.embeddingLength, request: image,
                                                  precision: model.precision)
        }
        try LoRAOption.apply(adapters, to: model, vision: pipeline?.encoder)
        let ids: [Int32], logits: [Float]
        if args.has("--chat") {
            var images: [ImageEmbedding] = []
            if let image, let pipeline { images.append(try ImageQuestion.embedding(image, pipeline: pipeline).1) }
            // The same rendering and splicing as a chat reply (Engine.promptTokens).
            func conversation(capacity: Int) -> Conversation {
                let c = Conversation(model: model, contextSize: capacity)
                c.addUser(text, images: images, imagePlacement: args.has("--image-first") ? .beforeText : .afterText)
                return c
            }
            let chat = conversation(capacity: max(1, try engine.promptTokens(for: conversation(capacity: 1)).count))
            ids = try engine.promptIDs(for: chat)
            logits = try engine.nextTokenLogits(for: chat)
        } else {
            ids = tokenizer.encode(text, addBOS: true, parseSpecial: true)
            logits = try model.prefill(ids, cache: model.makeCache(capacity: max(1, ids.count)))
        }
        let best = Sampler.topK(logits, min(top, logits.count))
        let json: JSONValue = .object([
            ("prompt_ids", .array(ids.map { .int(Int($0)) })),
            ("top", .array(best.map { .object([("id", .int(Int($0.id))), ("piece", .string(tokenizer.decode([$0.id], renderSpecial: true))), ("logit", .float($0.logit))]) })),
        ])
        Console.out(json.rendered() + "\n")
        return 0
    }
}
