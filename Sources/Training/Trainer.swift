import Gemma

/// The training loop: micro-batches of `batchSize` examples, gradients accumulated over
/// `accumulation` of them with the loss a token mean over all of their targets (as
/// transformers ≥ 4.46 divides by the items of the whole accumulated batch), then clipping
/// by the global norm, the scheduled learning rate and one AdamW step. Examples are visited
/// in a seeded order, reshuffled every epoch, so a run is reproducible.
public struct Trainer {
    public struct Progress: Sendable {
        public let step: Int
        public let totalSteps: Int
        public let loss: Double
        public let gradientNorm: Double
        public let learningRate: Double
        public let tokens: Int
    }

    public var pass: LossAndGradients
    public let settings: TrainingSettings
    public let examples: [TrainingExample]
    public var adapter: TrainableAdapter
    public var optimizer: AdamW
    public let schedule: LearningRateSchedule
    /// Examples consumed so far (the data position a checkpoint saves).
    public private(set) var position = 0

    public init(model: GemmaModel, settings: TrainingSettings, examples: [TrainingExample], adapter: TrainableAdapter) {
        pass = LossAndGradients(model: model, dropout: Float(settings.dropout))
        self.settings = settings
        self.examples = examples
        self.adapter = adapter
        optimizer = AdamW(weightDecay: settings.weightDecay)
        let total = settings.totalSteps(examples: examples.count)
        schedule = LearningRateSchedule(peak: settings.learningRate,
                                        warmupSteps: LearningRateSchedule.warmupSteps(ratio: settings.warmupRatio, totalSteps: total),
                                        totalSteps: total, shape: settings.schedule)
    }

    /// Continues the run `checkpoint` saved: the same adapter, optimiser state and data
    /// position, so the steps that follow are those an unbroken run takes.
    public mutating func restore(_ checkpoint: TrainingCheckpoint) {
        adapter = checkpoint.adapter
        optimizer = checkpoint.optimizer
        position = checkpoint.position
    }

    /// The state to save for `restore`.
    public func checkpoint(settings fingerprint: String) -> TrainingCheckpoint {
        TrainingCheckpoint(adapter: adapter, optimizer: optimizer, position: position, settings: fingerprint)
    }

    public var totalSteps: Int { schedule.totalSteps }
    public var finished: Bool { optimizer.step >= totalSteps }

    /// The examples at data positions `range`: epoch e = p / count visits a seeded
    /// permutation of the data, drawn once for each epoch the range touches.
    func examples(at range: Range<Int>) -> [TrainingExample] {
        let n = examples.count
        var orders: [Int: [Int]] = [:]
        return range.map { p in
            let epoch = p / n
            if orders[epoch] == nil {
                var rng = TrainingRandom(seed: settings.seed &+ UInt64(epoch))
                var order = Array(0..<n)
                for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                orders[epoch] = order
            }
            return examples[orders[epoch]![p % n]]
        }
    }

    /// One optimiser step; returns what it did.
    public mutating func step() -> Progress {
        let picked = examples(at: position..<(position + settings.accumulation * settings.batchSize))
        let micro = (0..<settings.accumulation).map { k in Array(picked[(k * settings.batchSize)..<((k + 1) * settings.batchSize)]) }
        position += settings.accumulation * settings.batchSize
        let targets = micro.joined().reduce(0) { $0 + $1.targets.count }
        var loss = 0.0
        // Each micro-batch's part of the token mean over the whole step's targets.
        for (k, batch) in micro.enumerated() {
            pass.dropoutSeed = settings.seed &+ UInt64(optimizer.step * settings.accumulation + k) &* 0xD1B5_4A32_D192_ED03
            loss += pass.run(batch, adapter: &adapter, totalTargets: targets, accumulate: k > 0)
        }
        let norm = adapter.clipGradients(maxNorm: settings.maxGradNorm)
        let lr = schedule.rate(afterSteps: optimizer.step)
        optimizer.update(&adapter, lr: lr)
        return Progress(step: optimizer.step, totalSteps: totalSteps, loss: loss, gradientNorm: norm, learningRate: lr,
                        tokens: micro.joined().reduce(0) { $0 + $1.ids.count })
    }
}

/// SplitMix64: the data order's generator (fixed here so a run is the same on every build).
struct TrainingRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
