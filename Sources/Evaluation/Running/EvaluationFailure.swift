/// Why an item could not be answered: a backend's failure, or what this evaluation lacks
/// (the in-process engine for likelihood scoring, a vision part for a picture) — one line.
struct EvaluationFailure: Error, CustomStringConvertible {
    let description: String
}
