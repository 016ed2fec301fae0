import Foundation
import GGUF
import MedImaging

/// `medgemma info FILE`: describes a model file like a model card, or an image file
/// (PNG, JPEG, DICOM) with what a reader of it needs: size, bits, photometric
/// interpretation, modality, window, transfer syntax.
enum InfoCommand: Subcommand {
    static let name = "info"
    static let summary = "describe a model (GGUF) or an image file (PNG, JPEG, DICOM)"
    static let help = """
    Usage: medgemma info [--json] [FILE]
           medgemma info [--json] DIR
           medgemma info --system [--json]

    Describes a GGUF model file: architecture, sizes, quantization mix, tokenizer summary
    and parameter count. Without FILE, the default model is described.

    Describes an image file (PNG, JPEG or DICOM, recognised by content): format and
    transfer syntax, size and frames, bits stored and sign, photometric interpretation,
    rescale, value range, default window (DICOM's own first), modality, body part, study
    date and descriptions. Patient names and ids are never shown.

    Describes a folder of DICOM files as series, from their headers alone: for each
    series its modality, slice count and how the slices were ordered (along the slice
    normal by Image Position (Patient); Instance Number where positions are missing),
    size, pixel and slice spacing, orientation (axial, coronal, sagittal or oblique),
    windows, and notes on gaps, duplicate positions and mismatched slices. Files that are
    not DICOM images are ignored and counted; DICOM files that cannot be read are named
    with their error. Subfolders are not searched.

    With --system, describes this machine instead: the processor, the instruction-set
    extensions the kernels use (AVX2, AVX-512 VNNI, AVX-512 BF16, AVX-VNNI) and which
    kernels run for decode, prompt batches, attention and the vision tower
    (MEDGEMMA_KERNELS=portable|avx2|avxvnni|avx512vnni picks a slower path for comparisons).

    Options:
      --json       models: the whole header, every metadata value and the tensor table;
                   images: every field above, and the DICOM UIDs; folders: each series with
                   its files in order; --system: the same facts
      --system     describe this machine's processor and kernels instead of a file
      -h, --help   show this help

    Exit status: 0 on success, 1 when the file cannot be read, 2 on a usage error.

    """
    static let spec = ArgumentSpec(flags: ["--json", "--system"], positionals: 0...1, positionalName: "FILE or DIR")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        if args.has("--system") {
            guard args.positionals.isEmpty else {
                throw UsageError(command: qualifiedName, "--system describes this machine; it takes no FILE")
            }
            let card = SystemCard()
            Console.out(args.has("--json") ? card.json().rendered() + "\n" : card.render())
            return 0
        }
        let path = ModelLocator.resolve(args.positionals.first)
        if let folder = args.positionals.first, DICOMSeriesFolder.isFolder(folder) {
            let card = SeriesCard(folder: try DICOMSeriesFolder.open(path: folder))
            Console.out(args.has("--json") ? card.json().rendered() + "\n" : card.render())
            return 0
        }
        if isImage(path) {
            let card = ImageCard(path: path, image: try MedicalImage.load(path: path))
            Console.out(args.has("--json") ? card.json().rendered() + "\n" : card.render())
            return 0
        }
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch let error as GGUFError {
            // A header-only copy (to plan memory before a download) is described from its header.
            guard case .tensorOutOfBounds = error.problem, let header = try? GGUFFile(headerOf: path) else { throw error }
            file = header
        }
        if args.has("--json") {
            Console.out(GGUFJSON.render(file) + "\n")
        } else {
            Console.out(try ModelCard(file: file).render())
        }
        return 0
    }

    /// Whether the file starts like a PNG, JPEG or DICOM file (a GGUF, or anything
    /// unreadable, goes to the model path, which reports its own one-line errors).
    static func isImage(_ path: String) -> Bool {
        // Only regular files are opened here: opening a FIFO for reading would block.
        guard (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 132) else { return false }
        return MedicalImage.sniff([UInt8](head)) != nil
    }
}
