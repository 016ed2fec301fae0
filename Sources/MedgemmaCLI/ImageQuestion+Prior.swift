import Workstation

/// `ask --compare-prior STUDY_DIR`: the study's first image that lists a prior, sent with
/// it as "Prior study (date):" and "Current study (date):" (`PriorComparison`), the same
/// turn the workstation's "compare with prior" sends.
extension ImageQuestion {
    static let compareOption = "--compare-prior"

    static let compareHelp = """
      --compare-prior STUDY_DIR  ask about a study's image beside its prior (case.json
                         "prior" and "date"): "Prior study (DATE):" picture, "Current
                         study (DATE):" picture, then QUESTION; takes no --image
    """

    /// The comparison asked for, nil without `--compare-prior`; a study that cannot be
    /// read or lists no prior is a one-line failure.
    static func comparison(_ args: ParsedArguments, command: String) throws -> PriorComparison? {
        guard let path = args[compareOption] else { return nil }
        if args["--image"] != nil { throw UsageError(command: command, "\(compareOption) and --image exclude each other") }
        for option in ["--window", "--pan-and-scan", "--save-model-input"] where args[option] != nil {
            throw UsageError(command: command, "\(option) does not apply to \(compareOption) (the case's window is used)")
        }
        if args.has("--ct-windows") { throw UsageError(command: command, "--ct-windows does not apply to \(compareOption)") }
        let study = Study(path: path)
        if let error = study.error { throw CommandFailure(error.description) }
        guard let comparison = PriorComparison.first(in: study) else {
            throw CommandFailure("\(path): no image of this study lists a prior (case.json: images[].prior and the study's date)")
        }
        return comparison
    }

    /// The request that stands for the comparison where one picture's request is needed
    /// (the mmproj's error message names the current image).
    static func request(for comparison: PriorComparison) -> Request {
        Request(path: comparison.current.path, window: nil, ctWindows: false, crops: 0, saveModelInput: nil)
    }
}
