extension WilsonInterval {
    /// 0…1: what no trials tell about an accuracy (the limit of the interval as n → 0), so
    /// a summary of an empty selection — a category or a run with nothing scored yet — is
    /// honest rather than a crash.
    static let unknown = WilsonInterval(low: 0, high: 1)

    private init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// The interval of `successes` of `trials`, `unknown` when there were no trials.
    static func of(_ successes: Int, _ trials: Int) -> WilsonInterval {
        trials == 0 ? unknown : WilsonInterval(successes: successes, trials: trials)
    }
}
