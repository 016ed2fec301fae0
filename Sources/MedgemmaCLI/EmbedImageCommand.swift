import Foundation
import GGUF
import Gemma
import Support
import Workstation

/// `medgemma embed-image --image FILE`: the rows an image becomes for the language model
/// (SigLIP + Gemma 3 projector), summarised or in full — the check of the vision tower
/// against transformers' `get_image_features` and llama.cpp's mtmd.
enum EmbedImageCommand: Subcommand {
    static let name = "embed-image"
    static let summary = "print an image's projected embeddings (what the model receives): shape and statistics"
    static let help = """
    Usage: medgemma embed-image --image FILE [--mmproj P] [--model M]
                                [--window W/C | --ct-windows] [--save-model-input PNG]
                                [--json [--full]] [--precision fast|exact]

    Prepares the image exactly as `ask --image` does (window, resize to the encoder's size,
    the mmproj's mean/std), runs the vision tower and projector, and prints the embeddings'
    shape (soft tokens × text width) and statistics over all values: mean, standard
    deviation, min, max and L2 norm.

    With --json: {"shape": [256, 2560], "mean": …, "std": …, "min": …, "max": …, "l2": …,
    "mmproj": "mmproj-….gguf", "image": "how the picture was prepared"}; --full adds
    "values", every value, row after row.

    Options:
      --image FILE       the image (PNG, JPEG or DICOM)
      --mmproj P         the vision part (llama.cpp mmproj GGUF); default: $MEDGEMMA_MMPROJ,
                         else the one mmproj*.gguf beside the model
      --model M          the text model the embeddings are for: its width is checked against
                         the projector's (without it, the projector's own width is used)
      --window W/C       DICOM window width/center (default: the file's first, or a modality
                         default)
      --ct-windows       CT: three Hounsfield windows as R, G, B, as Google's MedGemma CT notes do
      --save-model-input PNG  save what the encoder sees (the resized picture) as a PNG
      --json             print JSON
      --full             with --json, also every value
      --precision P      fast (default: the matrix kernels of the weight type — bf16 for
                         F16/BF16, int8 for Q8_0 — where the CPU has them) or exact (every
                         product in f32)
      -h, --help         show this help

    """
    static let spec = ArgumentSpec(flags: ["--json", "--full"] + ImageQuestion.flags,
                                   options: ["--model", PrecisionOption.option] + ImageQuestion.options.filter { $0 != "--pan-and-scan" },
                                   aliases: ["-m": "--model"])

    static func run(_ args: ParsedArguments) throws -> Int32 {
        guard let image = try ImageQuestion.request(args, command: qualifiedName) else {
            throw UsageError(command: qualifiedName, "missing --image FILE")
        }
        if args.has("--full") && !args.has("--json") {
            throw UsageError(command: qualifiedName, "--full needs --json")
        }
        let modelPath = ModelLocator.resolve(args["--model"])
        let mmproj = try ImageQuestion.mmproj(args, request: image, modelPath: modelPath)
        let width: Int
        if args["--model"] != nil {
            width = try GemmaConfig(file: GGUFFile(path: modelPath)).embeddingLength
        } else {
            width = try VisionConfig(file: GGUFFile(path: mmproj)).projectionDim
        }
        let precision = try PrecisionOption.parse(args, command: qualifiedName)
        let pipeline = try ImageQuestion.pipeline(mmproj: mmproj, textWidth: width, request: image, precision: precision)
        let (attachment, embedding) = try ImageQuestion.embedding(image, pipeline: pipeline)
        let values = embedding.rows
        let stats = Summary(values)
        let mmprojName = (mmproj as NSString).lastPathComponent
        if args.has("--json") {
            var fields: [(String, JSONValue)] = [
                ("shape", .array([.int(embedding.tokenCount), .int(values.count / embedding.tokenCount)])),
                ("mean", .number(stats.mean)), ("std", .number(stats.std)),
                ("min", .float(stats.min)), ("max", .float(stats.max)), ("l2", .number(stats.l2)),
                ("mmproj", .string(mmprojName)), ("image", .string(attachment.preparation)),
            ]
            if args.has("--full") { fields.append(("values", .array(values.map { .float($0) }))) }
            Console.out(JSONValue.object(fields).rendered() + "\n")
        } else {
            Console.out("""
            \((image.path as NSString).lastPathComponent): \(embedding.tokenCount) × \(values.count / embedding.tokenCount) embeddings from \(mmprojName)
              \(attachment.preparation)
              mean \(Format.fixed(stats.mean, 6))  std \(Format.fixed(stats.std, 6))  min \(Format.fixed(Double(stats.min), 6))  max \(Format.fixed(Double(stats.max), 6))  l2 \(Format.fixed(stats.l2, 4))

            """)
        }
        return 0
    }

    /// Statistics over every value, accumulated in double precision.
    struct Summary {
        var mean = 0.0, std = 0.0, l2 = 0.0
        var min = Float.infinity, max = -Float.infinity

        init(_ values: [Float]) {
            var sum = 0.0, squares = 0.0
            for v in values {
                sum += Double(v)
                squares += Double(v) * Double(v)
                min = Swift.min(min, v)
                max = Swift.max(max, v)
            }
            let n = Double(Swift.max(1, values.count))
            mean = sum / n
            var deviations = 0.0
            for v in values { deviations += (Double(v) - mean) * (Double(v) - mean) }
            std = (deviations / n).squareRoot()
            l2 = squares.squareRoot()
        }
    }
}
