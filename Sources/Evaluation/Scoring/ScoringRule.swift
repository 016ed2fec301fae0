/// How an option's token log-probabilities become its score (the highest score is the
/// prediction; ties go to the first option, as numpy's `argmax` and llama.cpp do).
///
/// - `sum`: lm-evaluation-harness's `acc` — the continuation's total log-probability.
/// - `charNorm`: its `acc_norm` — the total divided by the option's length in characters
///   (Python's `len` of the choice text: Unicode scalars, without the " " delimiter).
/// - `byteNorm`: the total divided by the option's UTF-8 bytes. The issue that asked for
///   the harness's `acc_norm` called it this; the harness counts characters (above), so the
///   two are the same for ASCII options and differ only for other scripts.
/// - `tokenMean`: llama-perplexity `--multiple-choice` — the mean log-probability of the
///   option's tokens after the prefix the options share (`LikelihoodSplit.tokenMean`).
public enum ScoringRule: String, CaseIterable, Sendable {
    case sum
    case byteNorm = "byte-norm"
    case charNorm = "char-norm"
    case tokenMean = "token-mean"

    /// The score of `option` whose continuation tokens have `logProbs`.
    public func score(_ logProbs: [Double], option: String) -> Double {
        let total = logProbs.reduce(0, +)
        switch self {
        case .sum: return total
        case .byteNorm: return total / Double(max(1, option.utf8.count))
        case .charNorm: return total / Double(max(1, option.unicodeScalars.count))
        case .tokenMean: return total / Double(max(1, logProbs.count))
        }
    }

    /// The index of the best score, the first of equal ones.
    public static func prediction(_ scores: [Double]) -> Int? {
        var best: Int?
        for (i, s) in scores.enumerated() where best == nil || s > scores[best!] { best = i }
        return best
    }

    /// The reference each rule reproduces, for `--help` and the summary.
    public var reference: String {
        switch self {
        case .sum: return "lm-evaluation-harness acc"
        case .charNorm: return "lm-evaluation-harness acc_norm"
        case .byteNorm: return "sum per UTF-8 byte of the option"
        case .tokenMean: return "llama-perplexity --multiple-choice"
        }
    }
}
