/// One category's share of a multiple-choice run (the task file's `category`).
public struct CategoryRow: Sendable, Equatable {
    public let name: String
    public let n: Int
    public let correct: Int
    public let accuracy: Double
    public let interval: WilsonInterval

    public init(name: String, n: Int, correct: Int) {
        self.name = name
        self.n = n
        self.correct = correct
        accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        interval = .of(correct, n)
    }
}
