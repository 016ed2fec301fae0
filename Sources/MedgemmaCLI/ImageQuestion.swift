import Foundation
import Gemma
import MedImaging
import Workstation

/// `ask --image FILE`: the image file through the vision pipeline to the embedding the
/// question carries, with the choices the user can make on the way (window, CT windows,
/// pan-and-scan) and "what the model sees" saved on request.
enum ImageQuestion {
    static let options = ["--image", "--mmproj", "--window", "--pan-and-scan", "--save-model-input"]
    static let flags = ["--ct-windows"]

    static let help = """
      --image FILE       ask about an image (PNG, JPEG or DICOM); needs the model's mmproj
      --mmproj P         the vision part (llama.cpp mmproj GGUF); default: $MEDGEMMA_MMPROJ,
                         else the one mmproj*.gguf beside the model
      --window W/C       DICOM window width/center for the model (default: the file's first,
                         or a modality default)
      --ct-windows       CT: send three Hounsfield windows as R, G, B (wide −1024…1024,
                         soft tissue −135…215, brain 0…80), as Google's MedGemma CT notes do
      --pan-and-scan N   also encode up to N crops of a large or elongated image (default 0)
      --save-model-input PNG  save what the model sees (the resized picture) as a PNG
    """

    /// The embedding for `--image`, or none when the option is absent.
    static func embedding(_ args: ParsedArguments, engine: Engine, modelPath: String, command: String) throws -> [ImageEmbedding] {
        guard let path = args["--image"] else {
            for option in options.dropFirst() + flags where args[option] != nil || args.has(option) {
                throw UsageError(command: command, "\(option) needs --image")
            }
            return []
        }
        guard let mmproj = ModelLocator.mmproj(args["--mmproj"], model: modelPath) else {
            throw CommandFailure("\(path): asking about an image needs the model's vision part: pass --mmproj FILE (the mmproj GGUF published beside the model)")
        }
        let crops = try ArgumentParser.int(args, "--pan-and-scan", default: 0, range: 0...16, command: command)
        let window = try args["--window"].map { try parseWindow($0, command: command) }
        if window != nil && args.has("--ct-windows") {
            throw UsageError(command: command, "--window and --ct-windows exclude each other")
        }
        let encoder = try VisionEncoder(path: mmproj, for: engine.model)
        let image = try MedicalImage.load(path: path)
        let picture: RGBImage
        do {
            picture = try ModelImageSource.rgb(image, mode: args.has("--ct-windows") ? .ctWindows(CTWindowPacker.medGemmaWindows) : .windowed(window))
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
        let pipeline = VisionPipeline(encoder: encoder, panAndScan: crops > 0 ? try PanAndScanOptions(maxCrops: crops) : nil)
        if let save = args["--save-model-input"] {
            let seen = try pipeline.preprocess(picture)[0].modelView()
            try PNGEncoder.write(DecodedImage(width: seen.width, height: seen.height, channels: .rgb, pixels: .eight(seen.pixels)), to: save)
        }
        let start = ContinuousClock.now
        let embedding = try pipeline.encode(picture, key: VisionPipeline.key(for: picture)) { done, total in
            if done < total && Console.errIsTerminal { Console.err("encoding image \(total > 1 ? "\(done + 1)/\(total) " : "")…\r") }
        }
        let seconds = Timing.seconds(ContinuousClock.now - start)
        let count = 1 + embedding.crops.count
        Console.err((Console.errIsTerminal ? "\u{1B}[2K" : "") + "encoded \(count) image\(count == 1 ? "" : "s") (\(count * embedding.tokenCount) tokens) in \(Format.fixed(seconds, 1)) s\n")
        return [embedding]
    }

    /// `W/C` as a DICOM window (width first, as radiologists say "400/40").
    static func parseWindow(_ text: String, command: String) throws -> VOIWindow {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Double(parts[0]), let center = Double(parts[1]), width >= 1, width.isFinite, center.isFinite else {
            throw UsageError(command: command, "--window takes WIDTH/CENTER, e.g. 400/40 (got '\(text)')")
        }
        return VOIWindow(center: center, width: width, explanation: "chosen")
    }
}
