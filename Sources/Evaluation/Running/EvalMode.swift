/// How items are answered: options scored by likelihood in the in-process engine, or an
/// answer generated (greedy) by any backend and read back. Report items are always
/// generated.
public enum EvalMode: Sendable, Equatable {
    case likelihood(ScoringRule)
    case generate

    /// The run file header's `mode` for items of `kind` ("token-mean", "generate", "report").
    public func name(for item: EvalItem) -> String {
        if case .report = item { return "report" }
        switch self {
        case .likelihood(let rule): return rule.rawValue
        case .generate: return "generate"
        }
    }
}
