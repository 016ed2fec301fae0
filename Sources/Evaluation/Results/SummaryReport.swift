import Support

/// The summaries as the terminal shows them: a title line, then aligned label–value lines
/// and plain ASCII tables; percentages with one decimal and a space ("62.5 %"), each
/// accuracy with its 95 % Wilson interval and, for multiple choice, the chance level
/// beside it, since an accuracy means little without either. No trailing newline.
public enum SummaryReport {
    /// At most this many ids are listed by name (unparseable answers), then "… and N more".
    public static let listedIDs = 20

    public static func text(_ s: AccuracySummary, title: String) -> String {
        var accuracy = withInterval(s.accuracy, s.interval, n: s.n)
        if s.chance > 0 { accuracy += "  chance " + percent(s.chance) }
        var lines = [OneLine.clean(title)]
        lines += TextTable.pairs([("items", "\(s.n)"), ("correct", "\(s.correct)"), ("accuracy", accuracy)])
        if !s.categories.isEmpty {
            var table = TextTable([("category", .left), ("n", .right), ("correct", .right), ("accuracy", .right), ("95 % CI", .right)])
            for row in s.categories {
                table.add([OneLine.clean(row.name, limit: 40), "\(row.n)", "\(row.correct)", percent(row.accuracy), range(row.interval, n: row.n)])
            }
            lines += [""] + table.lines()
        }
        if let shuffle = s.shuffle {
            lines += [""] + TextTable.pairs([
                ("shuffled options", "\(shuffle.agreeing) of \(shuffle.n) answers unchanged (\(percent(shuffle.agreement)))"),
                ("shuffled pass", "accuracy " + withInterval(shuffle.accuracy, shuffle.interval, n: shuffle.n)),
            ])
        }
        if !s.unparseable.isEmpty {
            lines += ["", "  answers naming no option (\(s.unparseable.count)): " + idList(s.unparseable)]
        }
        return lines.joined(separator: "\n")
    }

    public static func text(_ s: ClassificationSummary, title: String) -> String {
        var items = "\(s.n)"
        if s.unanswered > 0 { items += "  (\(s.unanswered) naming no label)" }
        var lines = [OneLine.clean(title)]
        lines += TextTable.pairs([("items", items), ("correct", "\(s.correct)"),
                                  ("accuracy", withInterval(s.accuracy, s.interval, n: s.n)),
                                  ("macro-F1", Format.fixed(s.macroF1, 3))])
        let names = s.labels.map { OneLine.clean($0, limit: 30) }
        var matrix = TextTable([("truth \\ answer", .left)] + names.map { ($0, .right) })
        for (t, name) in names.enumerated() { matrix.add([name] + s.matrix.counts[t].map(String.init)) }
        lines += [""] + matrix.lines()
        var classes = TextTable([("class", .left), ("n", .right), ("sensitivity", .right), ("specificity", .right),
                                 ("precision", .right), ("F1", .right)])
        for (row, name) in zip(s.rows, names) {
            classes.add([name, "\(row.n)", percent(row.sensitivity), percent(row.specificity), percent(row.precision),
                         Format.fixed(row.f1, 3)])
        }
        lines += [""] + classes.lines()
        return lines.joined(separator: "\n")
    }

    public static func text(_ s: ReportSummary, title: String) -> String {
        ([OneLine.clean(title)] + TextTable.pairs([
            ("items", "\(s.n)"), ("exact match", percent(s.exactMatch)),
            ("token F1", Format.fixed(s.f1, 3)), ("ROUGE-L", Format.fixed(s.rougeL, 3)),
        ])).joined(separator: "\n")
    }

    /// `nameA` and `nameB` label the runs in the table ("A", "B", or short run names).
    public static func text(_ c: RunComparison, title: String, nameA: String = "A", nameB: String = "B") -> String {
        let a = OneLine.clean(nameA, limit: 30), b = OneLine.clean(nameB, limit: 30)
        var paired = "\(c.n)"
        if c.onlyInA + c.onlyInB > 0 { paired += "  (\(c.onlyInA) only in \(a), \(c.onlyInB) only in \(b); not compared)" }
        var lines = [OneLine.clean(title)]
        lines += TextTable.pairs([
            ("paired items", paired),
            ("accuracy \(a)", percent(c.accuracyA)),
            ("accuracy \(b)", percent(c.accuracyB)),
            ("\(b) - \(a)", points(c.difference)),
            ("McNemar exact", pValue(c.p) + "  (\(c.onlyARight) right only in \(a), \(c.onlyBRight) right only in \(b))"),
        ])
        var table = TextTable([("", .left), ("\(b) right", .right), ("\(b) wrong", .right)])
        table.add(["\(a) right", "\(c.bothRight)", "\(c.onlyARight)"])
        table.add(["\(a) wrong", "\(c.onlyBRight)", "\(c.bothWrong)"])
        lines += [""] + table.lines()
        return lines.joined(separator: "\n")
    }

    // MARK: Numbers

    /// "62.5 %".
    public static func percent(_ v: Double) -> String { Format.fixed(v * 100, 1) + " %" }

    /// "51.0–72.9 %", or "–" when nothing was counted.
    static func range(_ i: WilsonInterval, n: Int) -> String {
        n == 0 ? "-" : Format.fixed(i.low * 100, 1) + "–" + Format.fixed(i.high * 100, 1) + " %"
    }

    /// "62.5 %  (95 % CI 51.0–72.9 %)".
    public static func withInterval(_ v: Double, _ i: WilsonInterval, n: Int) -> String {
        n == 0 ? "-  (nothing scored)" : percent(v) + "  (95 % CI " + range(i, n: n) + ")"
    }

    /// A difference of accuracies in percentage points, signed ("+6.3 points").
    static func points(_ d: Double) -> String {
        let text = Format.fixed(abs(d) * 100, 1)
        return (text == "0.0" ? "" : d < 0 ? "-" : "+") + text + " points"
    }

    /// "p = 0.302", "p < 0.001".
    static func pValue(_ p: Double) -> String { p < 0.001 ? "p < 0.001" : "p = " + Format.fixed(p, 3) }

    static func idList(_ ids: [String]) -> String {
        let shown = ids.prefix(listedIDs).map { OneLine.clean($0, limit: 40) }.joined(separator: ", ")
        return ids.count > listedIDs ? shown + ", … and \(ids.count - listedIDs) more" : shown
    }
}
