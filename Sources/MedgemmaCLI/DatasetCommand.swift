import Foundation
import Support
import Workstation

/// `medgemma dataset export`: the signed-off reports of a study library as training data
/// (one chat example per study, JSONL), for fine-tuning MedGemma on the clinicians' own
/// corrections. The logic is `Workstation.DatasetCollection` and `DatasetWriter`.
enum DatasetCommand: Subcommand {
    static let name = "dataset"
    static let summary = "export signed-off reports as training data (JSONL, chat messages)"
    static let help = """
    Usage: medgemma dataset export [--studies DIR…] --out FILE.jsonl [--split F] [--force]

    Writes one line per study whose newest saved report is signed off (the report editor's
    :signoff NAME ROLE [final|amended]), in the chat "messages" format that TRL's SFT trainer
    and the MedGemma fine-tuning notebook take: the case context as the system turn, the
    images (absolute paths) and the workstation's own report request as the user turn, and
    the report as signed as the assistant turn. Each line also has the case's "study" id,
    "images_sha256" (each image file's sha256, in order) and the "reviewer" fields.

    Left out, and counted on standard error: studies without a signed-off report, studies
    whose training text contains one of the case's patient.protectedIdentifiers (or the
    patient id), and studies whose case, report files or images cannot be used (an image
    changed since the sign-off, for one; each is named).

    Options:
      --studies DIR  a study folder or a library of them (again for several; default: samples,
                     the library the workstation opens)
      --out FILE     the training file to write (an existing one is refused without --force)
      --split F      send each study whose id hashes at or above F (0 to 1) to FILE.eval.jsonl
                     (train.jsonl → train.eval.jsonl) instead: the first 8 bytes of the sha256
                     of the id, as an integer over 2^64, so a study always falls on the same
                     side, whatever the order or the other studies
      --force        replace existing output files
      -h, --help     show this help

    Reports are looked for in each study's reports/ folder and in the user's data folder
    ($XDG_DATA_HOME/medgemma/reports, where a read-only study's reports go). The files are
    written whole or not at all (a temporary file renamed into place), mode 0600.

    """
    static let spec = ArgumentSpec(flags: ["--force"], options: ["--studies", "--out", "--split"],
                                   aliases: ["-o": "--out"], positionals: 1...1, positionalName: "action (export)")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        guard args.positionals == ["export"] else {
            throw UsageError(command: qualifiedName, "unknown action '\(args.positionals[0])' (the one action is export)")
        }
        guard let out = args["--out"], !out.isEmpty else { throw UsageError(command: qualifiedName, "--out FILE is required") }
        var split: DatasetSplit?
        if let text = args["--split"] {
            guard let f = Double(text), (0...1).contains(f) else {
                throw UsageError(command: qualifiedName, "--split \(text): expected a number from 0 to 1")
            }
            split = DatasetSplit(trainFraction: f)
        }
        let folders = args.all("--studies").isEmpty ? ["samples"] : args.all("--studies")
        var studies: [Study] = [], seen: Set<String> = []
        for folder in folders {
            let library: StudyLibrary
            do { library = try StudyLibrary(path: folder) } catch { throw CommandFailure(error.description) }
            for study in library.studies where seen.insert(study.folder.path).inserted { studies.append(study) }
        }
        let collection = DatasetCollection(studies: studies, store: ReportStore())
        for left in collection.leftOut {
            if case .unusable(let why) = left.reason { Console.err("\(qualifiedName): left out \(left.study): \(OneLine.clean(why))\n") }
        }
        guard !collection.examples.isEmpty else {
            throw CommandFailure("no signed-off report in \(studies.count) stud\(studies.count == 1 ? "y" : "ies") (" + leftOutSummary(collection)
                                 + "); nothing written")
        }
        let written: DatasetWriter.Written
        do {
            written = try DatasetWriter.write(collection.examples, to: out, split: split, force: args.has("--force"))
        } catch {
            throw CommandFailure(error.description)
        }
        var line = "wrote \(written.trainCount) example\(written.trainCount == 1 ? "" : "s") to \(out)"
        if let evalPath = written.evaluationPath { line += " and \(written.evaluationCount) to \(evalPath)" }
        Console.err(line + "; left out " + leftOutSummary(collection) + "\n")
        return 0
    }

    /// "1 not signed off, 1 with a protected identifier, 0 unusable".
    static func leftOutSummary(_ collection: DatasetCollection) -> String {
        let notSigned = collection.count { $0 == .notSignedOff }
        let protected = collection.count { $0 == .protectedIdentifier }
        let unusable = collection.leftOut.count - notSigned - protected
        return "\(notSigned) not signed off, \(protected) with a protected identifier, \(unusable) unusable"
    }
}
