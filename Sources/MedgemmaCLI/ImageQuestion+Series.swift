import MedImaging
import Workstation

/// `ask --image DIR [--slices N]`: a series in one question (`SeriesQuestion`). A folder
/// is always a series; a file becomes one only when `--slices` asks for it (a multi-frame
/// DICOM file), so `--image FILE` alone still shows the file's first frame as before.
extension ImageQuestion {
    static let slicesOption = "--slices"
    static let seriesOption = "--series"
    /// Up to 256 slices: the notebook's 85 with room to spare; each costs an encode and
    /// the model's image tokens (256 for MedGemma).
    static let slicesRange = 1...256

    static let slicesHelp = """
      --slices N         a CT or MR series in one question: --image names a folder of DICOM
                         slices (one series) or a multi-frame DICOM file; N slices spread
                         evenly from the first to the last of the sorted volume are shown,
                         each after its label, e.g. "Slice 12/40 (z = -105.5 mm):" (default
                         85, as Google's high-dimensional CT notebook; N at least the slice
                         count shows every slice); --window applies to each, and a CT
                         series without one goes through the three CT windows as the
                         notebook sends it (--ct-windows). With MedGemma each slice is 256 prompt tokens: 85 need --ctx 32768
      --series N         which series of a folder that holds several (numbered as
                         'medgemma info DIR' lists them; default: the folder's only one)
    """

    /// The series `--image` names, with its slices chosen; nil for a picture that is not
    /// one. Checked before any model is loaded: `--slices` without a series, or a series
    /// with other pictures or `--save-model-input`, is a usage error.
    static func series(_ args: ParsedArguments, requests: [Request], command: String) throws -> SeriesQuestion? {
        let asked = args[slicesOption] != nil
        guard let request = requests.first else {
            if asked { throw UsageError(command: command, "\(slicesOption) needs --image") }
            if args[seriesOption] != nil { throw UsageError(command: command, "\(seriesOption) needs --image DIR") }
            return nil
        }
        let wanted = try ArgumentParser.int(args, slicesOption, default: SliceSampling.notebookDefault, range: slicesRange, command: command)
        let number = try args[seriesOption].map { _ in try ArgumentParser.int(args, seriesOption, default: 1, range: 1...1_000_000, command: command) }
        guard asked || requests.contains(where: { DICOMSeriesFolder.isFolder($0.path) }) else {
            if number != nil { throw UsageError(command: command, "\(seriesOption) is for a folder of DICOM slices") }
            return nil
        }
        if requests.count > 1 {
            throw UsageError(command: command, "a series is asked about alone: give one --image (a folder of DICOM slices or a multi-frame DICOM file)")
        }
        if request.saveModelInput != nil {
            throw UsageError(command: command, "--save-model-input saves one picture: it does not go with a series")
        }
        if number != nil && !DICOMSeriesFolder.isFolder(request.path) {
            throw UsageError(command: command, "\(seriesOption) is for a folder of DICOM slices")
        }
        guard let series = try SeriesQuestion.open(path: request.path, wanted: wanted, seriesNumber: number) else {
            throw UsageError(command: command, "\(slicesOption) needs a series: \(request.path) is neither a folder of DICOM slices nor a multi-frame DICOM file")
        }
        return series
    }
}

extension SeriesQuestion {
    /// Whether `request` leaves the slices' preparation to the series: a CT series with no
    /// window chosen goes through the three CT windows, as Google's notebook sends it.
    func takesCTWindows(_ request: ImageQuestion.Request) -> Bool {
        isCT && request.window == nil && !request.ctWindows
    }

    /// The chosen slices as `ask` shows them: each prepared as `request` says (its path is
    /// this series; a CT series without a window gets the CT windows), named "DIR slice i/n".
    func attachments(_ request: ImageQuestion.Request) throws -> [ImageAttachment] {
        var request = request
        if takesCTWindows(request) { request.ctWindows = true }
        return try attachments { index, image, frame in
            try ImageQuestion.attachment(image, frame: frame, source: source(ofSlice: index), request: request)
        }
    }
}
