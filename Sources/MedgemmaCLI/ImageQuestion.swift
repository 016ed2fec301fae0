import Foundation
import Gemma
import MedImaging
import RemoteInference
import Support
import VisionPreprocessing
import Workstation

/// `ask --image FILE`: the image file through windowing to the `ImageAttachment` the
/// question carries, with the choices the user can make on the way (window, CT windows,
/// pan-and-scan) and "what the model sees" saved on request. The backend then encodes it
/// (in-process, through the mmproj) or sends it (remote, as the model-size PNG).
enum ImageQuestion {
    static let options = ["--image", "--mmproj", "--window", "--pan-and-scan", "--save-model-input"]
    static let flags = ["--ct-windows"]

    static let help = """
      --image FILE       ask about an image (PNG, JPEG or DICOM); needs the model's mmproj
                         (or a server whose model takes images)
      --mmproj P         the vision part (llama.cpp mmproj GGUF); default: $MEDGEMMA_MMPROJ,
                         else the one mmproj*.gguf beside the model
      --window W/C       DICOM window width/center for the model (default: the file's first,
                         or a modality default)
      --ct-windows       CT: send three Hounsfield windows as R, G, B (wide −1024…1024,
                         soft tissue −135…215, brain 0…80), as Google's MedGemma CT notes do
      --pan-and-scan N   also encode up to N crops of a large or elongated image (default 0;
                         in-process engine only)
      --save-model-input PNG  save what the model sees (the resized picture) as a PNG
    """

    /// What `--image` and its companions asked for, checked before any model is loaded.
    struct Request {
        var path: String
        var window: VOIWindow?
        var ctWindows: Bool
        var crops: Int
        var saveModelInput: String?

        var panAndScan: PanAndScanOptions? {
            get throws { crops > 0 ? try PanAndScanOptions(maxCrops: crops) : nil }
        }
    }

    /// The `--image` request, or none when the option is absent (its companions alone are
    /// a usage error).
    static func request(_ args: ParsedArguments, command: String) throws -> Request? {
        guard let path = args["--image"] else {
            // `--compare-prior` brings its own pictures and needs the mmproj too.
            let comparing = args[compareOption] != nil
            for option in options.dropFirst() + flags where (args[option] != nil || args.has(option)) && !(comparing && option == "--mmproj") {
                throw UsageError(command: command, "\(option) needs --image")
            }
            return nil
        }
        let crops = try ArgumentParser.int(args, "--pan-and-scan", default: 0, range: 0...16, command: command)
        let window = try args["--window"].map { try parseWindow($0, command: command) }
        if window != nil && args.has("--ct-windows") {
            throw UsageError(command: command, "--window and --ct-windows exclude each other")
        }
        return Request(path: path, window: window, ctWindows: args.has("--ct-windows"), crops: crops,
                       saveModelInput: args["--save-model-input"])
    }

    /// The mmproj for a local model, or a one-line failure saying what to pass.
    static func mmproj(_ args: ParsedArguments, request: Request, modelPath: String) throws -> String {
        let paired = ModelLocator.pairedMMProj(args["--mmproj"], model: modelPath)
        guard let mmproj = paired.path else {
            let found = paired.note.map { " (\($0))" } ?? ""
            throw CommandFailure("\(request.path): an image needs the model's vision part\(found): pass --mmproj FILE (the mmproj GGUF published beside the model)")
        }
        return mmproj
    }

    /// The in-process vision pipeline for a text model `textWidth` wide, with the request's
    /// pan-and-scan, its matrix products at `precision` (`VisionEncoder.precision`); an mmproj
    /// that cannot be used is a one-line error naming it.
    static func pipeline(mmproj: String, textWidth: Int, request: Request,
                         precision: GemmaModel.Precision = .fast) throws -> VisionPipeline {
        try VisionPipeline(encoder: VisionEncoder(path: mmproj, textWidth: textWidth, precision: precision),
                           panAndScan: request.panAndScan)
    }

    /// The picture encoded in-process, as the model receives it (`--save-model-input` saved
    /// on the way).
    static func embedding(_ request: Request, pipeline: VisionPipeline) throws -> (ImageAttachment, ImageEmbedding) {
        let attachment = try attachment(request, modelImageSize: pipeline.encoder.config.imageSize)
        if let path = request.saveModelInput { try saveModelInput(attachment, to: path, pipeline: pipeline) }
        return (attachment, try pipeline.encode(attachment.picture, key: attachment.key))
    }

    /// The picture the model is shown: the file, windowed (or CT-windowed), as RGB.
    /// `modelImageSize`: the encoder's input side, for the description (nil: not known here).
    static func attachment(_ request: Request, modelImageSize: Int? = nil) throws -> ImageAttachment {
        try attachment(MedicalImage.load(path: request.path), source: request.path, request: request, modelImageSize: modelImageSize)
    }

    /// Frame `frame` of an image already decoded (a slice of a series), prepared as
    /// `request` says; `source` names it in the transcript and in errors.
    static func attachment(_ image: MedicalImage, frame: Int = 0, source: String, request: Request,
                           modelImageSize: Int? = nil) throws -> ImageAttachment {
        do {
            if request.ctWindows {
                return try ImagePreparation.ctWindowsAttachment(image, frame: frame, source: source, modelImageSize: modelImageSize)
            }
            let picture = try ModelImageSource.rgb(image, mode: .windowed(request.window), frame: frame)
            return ImageAttachment(source: source, preparation: ImagePreparation.describe(image, window: request.window, modelImageSize: modelImageSize),
                                   picture: picture)
        } catch {
            throw CommandFailure("\(source): \(error)")
        }
    }

    /// Writes "what the model sees" for `--save-model-input`: the encoder's first input
    /// (in-process) or the PNG a server receives (remote).
    static func saveModelInput(_ attachment: ImageAttachment, to path: String, backend: InferenceBackend) throws {
        let seen: RGBImage
        if let remote = backend as? RemoteBackend {
            seen = try RemoteImageEncoder.modelView(of: attachment.picture, size: remote.imageSize)
        } else if let local = backend as? LocalEngineBackend, let vision = (local.images as? Reporter)?.inner ?? local.images as? VisionEmbeddingProvider {
            return try saveModelInput(attachment, to: path, pipeline: vision.pipeline)
        } else {
            return
        }
        try save(seen, to: path)
    }

    /// The in-process encoder's first input, as a PNG.
    static func saveModelInput(_ attachment: ImageAttachment, to path: String, pipeline: VisionPipeline) throws {
        try save(pipeline.preprocess(attachment.picture)[0].modelView(), to: path)
    }

    private static func save(_ seen: RGBImage, to path: String) throws {
        try PNGEncoder.write(DecodedImage(width: seen.width, height: seen.height, channels: .rgb, pixels: .eight(seen.pixels)), to: path)
    }

    /// `W/C` as a DICOM window (width first, as radiologists say "400/40").
    static func parseWindow(_ text: String, command: String) throws -> VOIWindow {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Double(parts[0]), let center = Double(parts[1]), width >= 1, width.isFinite, center.isFinite else {
            throw UsageError(command: command, "--window takes WIDTH/CENTER, e.g. 400/40 (got '\(text)')")
        }
        return VOIWindow(center: center, width: width, explanation: "chosen")
    }

    /// Wraps the in-process image encoder to say, on standard error, how many images and
    /// image tokens were encoded and how long it took — the line `ask --image` always
    /// printed. Progress while encoding arrives as `.progress` events (`StreamedReply`).
    final class Reporter: ImageEmbeddingProvider, @unchecked Sendable {
        let inner: VisionEmbeddingProvider

        init(_ inner: VisionEmbeddingProvider) { self.inner = inner }

        var visionModelName: String { inner.visionModelName }

        func embedding(for image: ImageAttachment, progress: @escaping (String) -> Void) throws -> ImageEmbedding {
            let start = ContinuousClock.now
            let encodes = inner.encodeCount
            let embedding = try inner.embedding(for: image, progress: progress)
            let seconds = Format.seconds(ContinuousClock.now - start)
            let count = 1 + embedding.crops.count
            // Several pictures go through the disk cache: one read from it was not encoded.
            let verb = inner.encodeCount == encodes ? "read from the cache" : "encoded"
            let time = inner.encodeCount == encodes ? "" : " in \(Format.fixed(seconds, 1)) s"
            Console.err((Console.errIsTerminal ? "\u{1B}[2K" : "") + "\(verb) \(count) image\(count == 1 ? "" : "s") "
                        + "(\(count * embedding.tokenCount) tokens)\(time)\n")
            return embedding
        }

        func setAdapters(_ adapters: [ModelAdapter]) throws { try inner.setAdapters(adapters) }
    }
}
