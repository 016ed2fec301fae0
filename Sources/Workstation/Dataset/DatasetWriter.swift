import Glibc
import Foundation

/// Writes `dataset export`'s JSONL files: one example a line, each file atomic
/// (`AtomicFile`: a temporary file renamed into place, so a reader sees the old file or
/// the whole new one), private to the user (0600: reports are clinical work).
///
/// With a split, the evaluation studies go to `evaluationPath(for:)` beside the training
/// file (`train.jsonl` → `train.eval.jsonl`). Existing files are refused unless `force`;
/// when the second file cannot be written the first is removed, so a failed export never
/// leaves a training file without its evaluation file.
public enum DatasetWriter {
    public struct Written: Sendable, Equatable {
        public let trainCount: Int
        /// Nil without a split.
        public let evaluationPath: String?
        public let evaluationCount: Int
    }

    /// `train.jsonl` → `train.eval.jsonl`; a name without `.jsonl` gets `.eval.jsonl` added.
    public static func evaluationPath(for out: String) -> String {
        out.hasSuffix(".jsonl") ? String(out.dropLast(".jsonl".count)) + ".eval.jsonl" : out + ".eval.jsonl"
    }

    public static func write(_ examples: [DatasetExample], to out: String, split: DatasetSplit?,
                             force: Bool) throws(DatasetExportError) -> Written {
        let evalPath = split.map { _ in evaluationPath(for: out) }
        for path in [out] + (evalPath.map { [$0] } ?? []) where !force && FileManager.default.fileExists(atPath: path) {
            throw .exists(path)
        }
        let evaluation = split.map { s in examples.filter { s.isEvaluation($0.study) } } ?? []
        let training = split.map { s in examples.filter { !s.isEvaluation($0.study) } } ?? examples
        func lines(_ examples: [DatasetExample]) -> String { examples.map { $0.jsonLine() + "\n" }.joined() }
        do {
            try AtomicFile.write(Array(lines(training).utf8), to: out, mode: 0o600, createFolders: false)
        } catch {
            throw .cannotWrite(error.description)
        }
        if let evalPath {
            do {
                try AtomicFile.write(Array(lines(evaluation).utf8), to: evalPath, mode: 0o600, createFolders: false)
            } catch {
                unlink(out)
                throw .cannotWrite(error.description)
            }
        }
        return Written(trainCount: training.count, evaluationPath: evalPath, evaluationCount: evaluation.count)
    }
}
