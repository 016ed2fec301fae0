/// With `--shuffle-options`, how far the model's choice survives showing the options in
/// another order: a model that picks by position, not content, agrees with itself less
/// and loses accuracy in the shuffled pass.
public struct ShuffleAgreement: Sendable, Equatable {
    /// Items that had a shuffled pass (and a right answer).
    public let n: Int
    /// Items whose two passes chose the same (original) option; two unparseable answers
    /// do not agree.
    public let agreeing: Int
    public let agreement: Double
    /// The shuffled pass's right answers, accuracy and its 95 % interval.
    public let correct: Int
    public let accuracy: Double
    public let interval: WilsonInterval

    public init(n: Int, agreeing: Int, correct: Int) {
        self.n = n
        self.agreeing = agreeing
        self.correct = correct
        agreement = n == 0 ? 0 : Double(agreeing) / Double(n)
        accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        interval = .of(correct, n)
    }
}
