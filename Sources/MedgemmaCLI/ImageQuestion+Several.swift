import Foundation
import Gemma
import Workstation

/// `ask --image A --image B …`: several pictures in one question. Each is prepared like a
/// single `--image` (the same window, CT windows and pan-and-scan), goes into the one user
/// turn in the order given, introduced by its file name, and is encoded through the
/// embedding cache; before sending, standard error says what it will cost here.
extension ImageQuestion {
    /// Pictures one question may show; each costs 260 prompt tokens and an encode.
    static let maxImages = 64

    /// One request per `--image`, in order, sharing the companions (`--window`,
    /// `--ct-windows`, `--pan-and-scan`); `--save-model-input` names one file, so it takes
    /// one image.
    static func requests(_ args: ParsedArguments, command: String) throws -> [Request] {
        guard let last = try request(args, command: command) else { return [] }
        let paths = args.all("--image")
        if paths.count > maxImages { throw UsageError(command: command, "at most \(maxImages) --image in one question (got \(paths.count))") }
        if paths.count > 1, last.saveModelInput != nil {
            throw UsageError(command: command, "--save-model-input saves one picture: give one --image with it")
        }
        return paths.map { path in
            var request = last
            request.path = path
            return request
        }
    }

    /// The pictures of `requests`; when there are several, each is labelled with its file
    /// name so the model (and its answer) can tell them apart. A lone picture stays
    /// unlabelled, so a one-image question is sent exactly as before.
    static func attachments(_ requests: [Request]) throws -> [ImageAttachment] {
        let made = try requests.map { try attachment($0) }
        guard made.count > 1 else { return made }
        return zip(requests, made).map { request, attachment in attachment.labelled(label(forPath: request.path)) }
    }

    /// "cxr-2024.png:" — the label line of a picture given by path.
    static func label(forPath path: String) -> String {
        (path as NSString).lastPathComponent + ":"
    }

    /// Says on standard error, before anything is sent, what asking about `images` with
    /// `question` costs on this machine (`ImageQuestionCost`). When the encode time has not
    /// been measured yet and more than one picture needs encoding, the first is encoded
    /// now (it is needed anyway and stays in the cache) and its time is the measure. A
    /// question that cannot fit the context fails here, before anything is encoded.
    static func announceCost(of images: [ImageAttachment], question: String, backend: InferenceBackend) throws {
        guard let local = backend as? LocalEngineBackend, let provider = local.images,
              let vision = (provider as? Reporter)?.inner ?? provider as? VisionEmbeddingProvider else {
            Console.err("sending \(images.count) images to \(backend.displayName); they are encoded there\n")
            return
        }
        let text = ([question] + images.compactMap(\.label)).joined(separator: "\n")
        let textTokens = local.engine.tokenizer.encode(text, addBOS: false, parseSpecial: false).count
        var cost = vision.cost(of: images, textTokens: textTokens, hashing: true)
        // A series of 85 slices is ~22,000 tokens with MedGemma: say so before minutes of
        // encoding end in a full context.
        if let context = local.contextSize, cost.prefillTokens >= context {
            throw CommandFailure("\(cost.images) images need \(cost.prefillTokens) tokens to prefill, more than the context of \(context): "
                                 + "raise --ctx or show fewer pictures")
        }
        if cost.secondsPerImage == nil, cost.toEncode > 1, let first = images.first(where: { !vision.isReady($0, hashing: true) }) {
            _ = try provider.embedding(for: first) { _ in }
            cost = vision.cost(of: images, textTokens: textTokens, hashing: true)
        }
        Console.err("asking about \(cost.summary)\n")
    }
}
