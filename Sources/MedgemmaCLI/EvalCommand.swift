import Foundation
import Evaluation
import Gemma
import Support
import Workstation

/// `medgemma eval TASK.jsonl`: the model measured on the user's own items, and
/// `medgemma eval --compare A B`: two runs of the same items side by side.
enum EvalCommand: Subcommand {
    static let name = "eval"
    static let summary = "measure a model on your own task file: multiple choice, image classification, reports"
    static let help = """
    Usage: medgemma eval [--scoring RULE | --generate] [--chat] [--limit N] [--seed S]
                         [--shuffle-options] [--out RUN.jsonl [--resume]] [--json]
                         [--labels A,B,... --prompt TEXT] [--max-tokens N] [--ctx N]
                         [--model M] [--mmproj P] [--lora FILE[:S]]
                         [--backend URL [--remote-model NAME] [--api-key-file F]] TASK.jsonl
           medgemma eval --compare RUN_A.jsonl RUN_B.jsonl [--json]

    Measures the model on TASK.jsonl (JSON Lines, one item a line; README, "Evaluating on
    your own data"): multiple-choice questions, zero-shot image classification or report /
    open-answer items. Prints accuracy with its 95 % Wilson interval beside chance, per
    category; for classification the confusion matrix, per-class sensitivity, specificity
    and F1, and macro-F1; for reports exact match, token F1 and ROUGE-L. Validate a model
    on your own held-out cases before relying on it: public benchmarks may have been in
    its training data.

    Options:
      --scoring RULE     how options are scored by likelihood (in-process engine):
                           token-mean  mean log-probability of the option's tokens, as
                                       llama-perplexity --multiple-choice (default)
                           sum         total log-probability (lm-evaluation-harness acc)
                           char-norm   total per character (lm-evaluation-harness acc_norm)
                           byte-norm   total per UTF-8 byte of the option
                         The prompt is "Question: ...\\nAnswer:" and each option follows
                         after a space.
      --generate         ask the question with lettered options in the chat template and
                         read the first option letter of the greedy answer (any backend);
                         unreadable answers count as wrong and are listed
      --chat             likelihood: the question as a user turn of the chat template, the
                         options scored as the model's reply (items with images always are)
      --limit N          evaluate N items: the first N, or N drawn at random with --seed
      --seed S           draws the --limit items, and orders options for --shuffle-options
                         (default 1)
      --shuffle-options  with --generate: asks each question again with its options in
                         another order and reports how often the answer stays the same
                         (position bias)
      --out RUN.jsonl    writes one line per item as it is done (id, scores, prediction,
                         correct, seconds; the answer when generated)
      --resume           continues the run in --out: its items are kept, the rest are done
      --json             prints the summary as one JSON object
      --labels A,B,...   classification labels, for a task file without a labels line
      --prompt TEXT      the classification question asked about each image (default:
                         the task file's "prompt", else "\(defaultPrompt)")
      --max-tokens N     longest generated answer (default 32 for a letter, 256 for a report)
      --ctx N            context per item in tokens (default 2048)
      --model M          the GGUF model (default: $MEDGEMMA_MODEL or the default model)
      --mmproj P         the vision part, for items with images (default: the one beside
                         the model)
    \(LoRAOption.help(column: 21))
    \(BackendOptions.help)
                         a server answers --generate and report items; likelihood scoring
                         needs the in-process engine
      --compare          compares two run files of the same items: each one's accuracy,
                         the difference and McNemar's exact test on the items they
                         disagree on
      -h, --help         show this help

    Ctrl-C stops after the item in progress; with --out, --resume continues from there.
    AI output is a research draft, not for clinical use.

    """
    static let defaultPrompt = "What does this image show?"
    static let spec = ArgumentSpec(
        flags: ["--generate", "--chat", "--shuffle-options", "--resume", "--json", "--compare"],
        options: ["--scoring", "--limit", "--seed", "--out", "--labels", "--prompt", "--max-tokens", "--ctx", "--model", "--mmproj", LoRAOption.option]
            + BackendOptions.options,
        aliases: ["-m": "--model", "-o": "--out", "-c": "--ctx"],
        positionals: 1...2, positionalName: "TASK.jsonl")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        if args.has("--compare") { return try EvalComparison.run(args, command: qualifiedName) }
        guard args.positionals.count == 1 else {
            throw UsageError(command: qualifiedName, "one task file, or --compare with two run files")
        }
        let options = try EvalOptions(args, command: qualifiedName)
        let task = try readTask(args, path: args.positionals[0])
        return try EvalRun(options: options, task: task, args: args, command: qualifiedName).run()
    }

    private static func readTask(_ args: ParsedArguments, path: String) throws -> TaskFile {
        let labels = args["--labels"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        if !labels.isEmpty, labels.count < 2 || Set(labels).count != labels.count {
            throw UsageError(command: qualifiedName, "--labels needs at least two different labels, separated by commas")
        }
        do {
            return try TaskFile.read(path: path, labels: labels, prompt: args["--prompt"])
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
