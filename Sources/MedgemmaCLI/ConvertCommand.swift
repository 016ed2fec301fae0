import Foundation
import MedImaging
import TUI
import Workstation

/// `medgemma convert FILE|DIR OUT`: an image file or a DICOM series written as a PNG (the
/// picture as a reader sees it) or a NumPy `.npy` (the stored values, as pydicom's
/// `pixel_array` holds them), chosen by OUT's extension — so a volume reviewed here can be
/// measured, plotted or fed to another tool without a DICOM library.
enum ConvertCommand: Subcommand {
    static let name = "convert"
    static let summary = "write an image or a DICOM series as PNG (as displayed) or .npy (stored values)"
    static let help = """
    Usage: medgemma convert [--window W/C | --preset NAME] [--invert] [--frame N | --slice N]
                            [--series N] FILE|DIR OUT

    Writes FILE (PNG, JPEG or DICOM) or the DICOM series in the folder DIR as OUT, by OUT's
    extension:
      .png  the picture as displayed, as `medgemma view` and the workstation show it: the
            file's first window (CT without one: soft tissue, W400/L40; others: the full
            range), or --window / --preset; MONOCHROME1 and --invert applied; 8-bit, at the
            image's own size. One frame or slice (default the first).
      .npy  the stored values exactly as pydicom's pixel_array holds them: uint8, int8,
            uint16 or int16 by Bits Allocated and Pixel Representation; shape (rows,
            columns), with a last axis of 3 for RGB and a first axis of frames for a
            multi-frame file; a series as (slices, rows, columns) in the order `medgemma
            info DIR` lists. --frame or --slice writes that one alone, (rows, columns).
    OUT is replaced atomically (a complete file or none).

    Options:
      --window W/C     window width/center in modality values, e.g. 400/40 (.png)
      --preset NAME    a CT window in HU: soft-tissue, lung, bone or brain (.png)
      --invert         invert the gray scale (.png)
      --frame N        frame of a multi-frame file (0-based)
      --slice N        slice of the series in DIR (0-based, in sorted order)
      --series N       which series of DIR (numbered as `medgemma info DIR` lists them;
                       needed when DIR holds more than one)
      -h, --help       show this help

    Exit status: 0 on success, 1 when the input cannot be read or OUT written, 2 on a usage error.

    """
    static let spec = ArgumentSpec(flags: ["--invert"], options: ["--window", "--preset", "--frame", "--slice", "--series"],
                                   positionals: 2...2, positionalName: "FILE|DIR and OUT")

    /// The CT presets `--preset` names (the workstation's `w` cycles the same windows).
    static let presets: [(name: String, window: VOIWindow)] = [
        ("soft-tissue", WindowPresets.softTissue), ("lung", WindowPresets.lung),
        ("bone", WindowPresets.bone), ("brain", WindowPresets.brain),
    ]

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let input = args.positionals[0], output = args.positionals[1]
        let format = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard format == "png" || format == "npy" else {
            throw UsageError(command: qualifiedName, "OUT must end in .png or .npy (got '\(output)')")
        }
        let window = try options(args, format: format)
        if args["--frame"] != nil && args["--slice"] != nil {
            throw UsageError(command: qualifiedName, "--frame and --slice exclude each other")
        }
        let index = try args["--slice"] != nil
            ? ArgumentParser.int(args, "--slice", default: 0, range: 0...1_000_000, command: qualifiedName)
            : args["--frame"].map { _ in try ArgumentParser.int(args, "--frame", default: 0, range: 0...1_000_000, command: qualifiedName) }

        // The image to write and which of its frames (nil: all of them, for .npy).
        let image: MedicalImage, frame: Int?, keepFrameAxis: Bool
        if DICOMSeriesFolder.isFolder(input) {
            let series = try pickSeries(args, folder: DICOMSeriesFolder.open(path: input))
            if format == "npy" && index == nil {
                (image, frame, keepFrameAxis) = (try series.loadVolume(), nil, true)
            } else {
                let slice = index ?? 0
                guard slice < series.slices.count else {
                    throw CommandFailure("\(input): slice \(slice) does not exist (the series has \(series.slices.count), numbered from 0)")
                }
                let loaded = try series.loadSlice(slice)
                (image, frame, keepFrameAxis) = (loaded.image, loaded.frame, false)
            }
        } else {
            guard args["--series"] == nil else { throw UsageError(command: qualifiedName, "--series is for a folder of DICOM files") }
            image = try MedicalImage.load(path: input)
            if let index, index >= image.frameCount {
                throw CommandFailure("\(input): frame \(index) does not exist (the file has \(image.frameCount))")
            }
            (frame, keepFrameAxis) = (format == "png" ? index ?? 0 : index, false)
        }

        if format == "npy" {
            try AtomicFile.write(image.npyBytes(frame: frame, keepFrameAxis: keepFrameAxis), to: output, mode: 0o644, createFolders: false)
        } else {
            var view = ImageView(frame: frame ?? 0, window: window)
            view.invert = args.has("--invert")
            try PNGEncoder.write(image.render(view: view, width: image.width, height: image.height), to: output)
        }
        return 0
    }

    /// The window from --window or --preset; both, or either with .npy, is a usage error.
    static func options(_ args: ParsedArguments, format: String) throws -> VOIWindow? {
        if format == "npy", let option = ["--window", "--preset", "--invert"].first(where: { args[$0] != nil || args.has($0) }) {
            throw UsageError(command: qualifiedName, "\(option) changes the picture, not the stored values: it is for .png")
        }
        if args["--window"] != nil && args["--preset"] != nil {
            throw UsageError(command: qualifiedName, "--window and --preset exclude each other")
        }
        if let name = args["--preset"] {
            guard let preset = presets.first(where: { $0.name == name.lowercased() }) else {
                throw UsageError(command: qualifiedName, "unknown preset '\(name)' (use \(presets.map(\.name).joined(separator: ", ")))")
            }
            return preset.window
        }
        return try args["--window"].map { try ImageQuestion.parseWindow($0, command: qualifiedName) }
    }

    /// The series --series names, or the only one.
    static func pickSeries(_ args: ParsedArguments, folder: DICOMSeriesFolder) throws -> DICOMSeries {
        let number = try args["--series"].map { _ in try ArgumentParser.int(args, "--series", default: 1, range: 1...1_000_000, command: qualifiedName) }
        return try folder.series(number: number)
    }
}
