/// A micro-batch's sequences packed row after row, so every frozen weight is read once per
/// batch rather than once per example: each row keeps its own position (RoPE restarts with
/// each sequence) and sees only its own sequence (`TrainingMask.sequence`).
struct PackedBatch {
    let example: TrainingExample
    /// Per row: its position within its sequence.
    let positions: [Int]
    /// Per row: the rows of its sequence.
    let sequences: [Range<Int>]

    init(_ examples: [TrainingExample]) {
        var ids: [Int32] = [], labels: [Int32] = [], images: [TrainingExample.Image] = []
        var positions: [Int] = [], sequences: [Range<Int>] = []
        for e in examples {
            let start = ids.count
            ids += e.ids
            // A sequence's first label is never a target (nothing before it predicts it).
            labels += e.labels.enumerated().map { $0.offset == 0 ? TrainingExample.ignored : $0.element }
            images += e.images.map { TrainingExample.Image(start: start + $0.start, rows: $0.rows, count: $0.count) }
            positions += Array(0..<e.ids.count)
            sequences += Array(repeating: start..<(start + e.ids.count), count: e.ids.count)
        }
        example = TrainingExample(ids: ids, labels: labels, images: images)
        self.positions = positions
        self.sequences = sequences
    }

    var rows: Int { positions.count }
    var longest: Int { (positions.max() ?? 0) + 1 }
}
