import Foundation

/// The summaries for `--json`: one JSON object each, keys sorted and in snake case, rates
/// as fractions (0.625, not 62.5), intervals as `ci_low` / `ci_high` — for scripts and
/// spreadsheets, which format numbers their own way. The `…Object` forms give the
/// dictionary, for a command that adds the run's header to it.
extension SummaryReport {
    public static func json(_ s: AccuracySummary) -> String { serialized(object(s)) }
    public static func json(_ s: ClassificationSummary) -> String { serialized(object(s)) }
    public static func json(_ s: ReportSummary) -> String { serialized(object(s)) }
    public static func json(_ c: RunComparison) -> String { serialized(object(c)) }

    public static func object(_ s: AccuracySummary) -> [String: Any] {
        var o: [String: Any] = ["n": s.n, "correct": s.correct, "accuracy": s.accuracy, "chance": s.chance,
                                "unparseable": s.unparseable]
        interval(s.interval, n: s.n, into: &o)
        o["categories"] = s.categories.map { row -> [String: Any] in
            var c: [String: Any] = ["name": row.name, "n": row.n, "correct": row.correct, "accuracy": row.accuracy]
            interval(row.interval, n: row.n, into: &c)
            return c
        }
        if let shuffle = s.shuffle {
            var h: [String: Any] = ["n": shuffle.n, "agreeing": shuffle.agreeing, "agreement": shuffle.agreement,
                                    "correct": shuffle.correct, "accuracy": shuffle.accuracy]
            interval(shuffle.interval, n: shuffle.n, into: &h)
            o["shuffle"] = h
        }
        return o
    }

    public static func object(_ s: ClassificationSummary) -> [String: Any] {
        var o: [String: Any] = ["labels": s.labels, "confusion_matrix": s.matrix.counts, "macro_f1": s.macroF1,
                                "n": s.n, "correct": s.correct, "unanswered": s.unanswered, "accuracy": s.accuracy]
        interval(s.interval, n: s.n, into: &o)
        o["classes"] = s.rows.map { row -> [String: Any] in
            ["label": row.label, "n": row.n, "sensitivity": row.sensitivity, "specificity": row.specificity,
             "precision": row.precision, "f1": row.f1]
        }
        return o
    }

    public static func object(_ s: ReportSummary) -> [String: Any] {
        ["n": s.n, "exact_match": s.exactMatch, "f1": s.f1, "rouge_l": s.rougeL]
    }

    public static func object(_ c: RunComparison) -> [String: Any] {
        ["n": c.n, "only_in_a": c.onlyInA, "only_in_b": c.onlyInB, "both_right": c.bothRight,
         "only_a_right": c.onlyARight, "only_b_right": c.onlyBRight, "both_wrong": c.bothWrong,
         "accuracy_a": c.accuracyA, "accuracy_b": c.accuracyB, "difference": c.difference, "p": c.p]
    }

    /// The interval's bounds, absent when nothing was counted.
    private static func interval(_ i: WilsonInterval, n: Int, into o: inout [String: Any]) {
        guard n > 0 else { return }
        o["ci_low"] = i.low
        o["ci_high"] = i.high
    }

    /// One line of JSON; the objects above hold only strings, numbers and arrays of them.
    public static func serialized(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
