import Foundation
import Support

/// The first line of a run file: what was run, so that `--resume` refuses to append to a
/// run of another task, model or setting, and a comparison can say what it compares.
public struct RunHeader: Codable, Equatable, Sendable {
    /// The run-file format ("medgemma_eval"); this code writes and reads `currentVersion`.
    public var version: Int
    /// The task file's path as the user gave it.
    public var task: String
    /// SHA-256 of the task file: the task's identity, whatever path it is reached by.
    public var taskSHA256: String
    /// The model file's name, or the server's model.
    public var model: String
    /// How answers were scored: sum, byte-norm, char-norm, token-mean, generate or report.
    public var mode: String
    /// Whether prompts went through the chat template.
    public var chat: Bool
    public var seed: Int
    public var shuffleOptions: Bool

    public static let currentVersion = 1

    public init(task: String, taskSHA256: String, model: String, mode: String, chat: Bool, seed: Int,
                shuffleOptions: Bool, version: Int = RunHeader.currentVersion) {
        self.version = version
        self.task = task
        self.taskSHA256 = taskSHA256
        self.model = model
        self.mode = mode
        self.chat = chat
        self.seed = seed
        self.shuffleOptions = shuffleOptions
    }

    enum CodingKeys: String, CodingKey {
        case version = "medgemma_eval"
        case task
        case taskSHA256 = "task_sha256"
        case model, mode, chat, seed
        case shuffleOptions = "shuffle_options"
    }

    /// Why results recorded under `self` (the run file's header) must not be mixed with a
    /// run set up as `other`: the first differing field, by its JSON key, with both values;
    /// nil when they match. The task's path is compared only when the hashes differ too —
    /// the same file reached by another path ("./t.jsonl", "t.jsonl") is the same task.
    public func mismatch(with other: RunHeader) -> String? {
        func differs(_ key: String, _ mine: String, _ theirs: String) -> String {
            OneLine.clean("\(key) differs: \(mine) in the run file, \(theirs) now", limit: 300)
        }
        func quoted(_ s: String) -> String { "\"" + OneLine.shortened(s, to: 80) + "\"" }
        if version != other.version { return differs(CodingKeys.version.rawValue, "\(version)", "\(other.version)") }
        if taskSHA256 != other.taskSHA256 {
            if task != other.task { return differs(CodingKeys.task.rawValue, quoted(task), quoted(other.task)) }
            return differs(CodingKeys.taskSHA256.rawValue, quoted(taskSHA256), quoted(other.taskSHA256))
        }
        if model != other.model { return differs(CodingKeys.model.rawValue, quoted(model), quoted(other.model)) }
        if mode != other.mode { return differs(CodingKeys.mode.rawValue, quoted(mode), quoted(other.mode)) }
        if chat != other.chat { return differs(CodingKeys.chat.rawValue, "\(chat)", "\(other.chat)") }
        if seed != other.seed { return differs(CodingKeys.seed.rawValue, "\(seed)", "\(other.seed)") }
        if shuffleOptions != other.shuffleOptions {
            return differs(CodingKeys.shuffleOptions.rawValue, "\(shuffleOptions)", "\(other.shuffleOptions)")
        }
        return nil
    }

    /// The header as its run-file line.
    public func jsonLine() throws -> String {
        try RunLineCoding.line(self)
    }
}
