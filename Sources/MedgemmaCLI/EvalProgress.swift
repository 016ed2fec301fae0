import Support

/// The progress line of an evaluation on a terminal's standard error, redrawn in place:
/// `[37/120] 2.4 items/s · ETA 0:35 · 48.6% right so far`. Nothing goes into a log.
struct EvalProgress {
    let total: Int
    private var done = 0
    private var correct = 0
    private let start = ContinuousClock.now
    private let shown = Console.errIsTerminal

    init(total: Int) {
        self.total = total
        if shown && total > 0 { Console.err("[0/\(total)] starting…\r") }
    }

    mutating func step(correct right: Bool) {
        done += 1
        if right { correct += 1 }
        guard shown else { return }
        let elapsed = Format.seconds(ContinuousClock.now - start)
        let rate = Double(done) / max(elapsed, 1e-9)
        let eta = Double(total - done) / max(rate, 1e-9)
        Console.err("\u{1B}[2K[\(done)/\(total)] \(Format.fixed(rate, rate < 10 ? 2 : 1)) items/s · ETA \(Format.clock(eta)) · "
                    + "\(Format.percent(100 * Double(correct) / Double(done))) right so far\r")
    }

    /// Clears the line and says how long it took.
    func finish() {
        guard done > 0 else { return }
        let elapsed = Format.seconds(ContinuousClock.now - start)
        if shown { Console.err("\u{1B}[2K") }
        Console.err("\(done) items in \(Format.fixed(elapsed, 1)) s (\(Format.fixed(Double(done) / max(elapsed, 1e-9), 2)) items/s)\n")
    }
}
