/// One label's line of a classification run: how the model does on that finding.
public struct ClassRow: Sendable, Equatable {
    public let label: String
    /// Answered items whose true label is this one.
    public let n: Int
    public let sensitivity: Double
    public let specificity: Double
    public let precision: Double
    public let f1: Double

    public init(label: String, n: Int, sensitivity: Double, specificity: Double, precision: Double, f1: Double) {
        self.label = label
        self.n = n
        self.sensitivity = sensitivity
        self.specificity = specificity
        self.precision = precision
        self.f1 = f1
    }
}
