import Gemma

/// Which items a run evaluates: all, the first `limit`, or — with a seed — `limit` of them
/// drawn at random (as llama-perplexity's `--multiple-choice-tasks` draws), kept in file
/// order so a run file reads like the task file.
public enum ItemSelection {
    public static func indices(count: Int, limit: Int?, seed: UInt64?) -> [Int] {
        guard let limit, limit < count else { return Array(0..<count) }
        guard let seed else { return Array(0..<limit) }
        var generator = SeededGenerator(seed: seed)
        var pool = Array(0..<count)
        for i in 0..<limit {
            let j = i + Int(generator.next() % UInt64(count - i))
            pool.swapAt(i, j)
        }
        return pool.prefix(limit).sorted()
    }
}
