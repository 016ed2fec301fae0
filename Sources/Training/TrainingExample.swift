/// One sequence to learn from: token ids (BOS first), the targets the loss is taken on
/// (Hugging Face `labels`: −100 where none, else the id at that position — predicted from
/// the position before), and image blocks whose rows stand in for the embeddings of their
/// positions (the frozen vision tower's output).
public struct TrainingExample: Sendable {
    public struct Image: Sendable {
        /// First position of the block.
        public let start: Int
        /// `count × d` rows.
        public let rows: [Float]
        public let count: Int

        public init(start: Int, rows: [Float], count: Int) {
            self.start = start
            self.rows = rows
            self.count = count
        }
    }

    public static let ignored: Int32 = -100

    public let ids: [Int32]
    public let labels: [Int32]
    public let images: [Image]

    public init(ids: [Int32], labels: [Int32], images: [Image] = []) {
        precondition(ids.count == labels.count, "TrainingExample: one label per id")
        self.ids = ids
        self.labels = labels
        self.images = images
    }

    /// Positions whose next token is a target: (row of the logits, target id).
    public var targets: [(row: Int, target: Int)] {
        ids.count < 2 ? [] : (1..<ids.count).compactMap { t in labels[t] == Self.ignored ? nil : (t - 1, Int(labels[t])) }
    }

    /// Per position, the image block it belongs to (−1: text).
    var imageBlocks: [Int] {
        var blocks = [Int](repeating: -1, count: ids.count)
        for (k, image) in images.enumerated() {
            for p in image.start..<(image.start + image.count) { blocks[p] = k }
        }
        return blocks
    }
}

extension TrainingExample {
    /// The first `length` positions (an image block cut through is dropped whole, and the
    /// sequence ends before it).
    public func truncated(to length: Int) -> TrainingExample {
        guard ids.count > length else { return self }
        var end = length
        for image in images where image.start < end && image.start + image.count > end { end = min(end, image.start) }
        return TrainingExample(ids: Array(ids[..<end]), labels: Array(labels[..<end]),
                               images: images.filter { $0.start + $0.count <= end })
    }
}
