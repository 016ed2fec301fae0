/// How a LoRA is trained. The defaults are those of Google's MedGemma fine-tuning notebook
/// (`fine_tune_with_hugging_face.ipynb`: `LoraConfig(r=16, lora_alpha=16,
/// lora_dropout=0.05)`, `SFTConfig(num_train_epochs=1, per_device_train_batch_size=4,
/// gradient_accumulation_steps=4, learning_rate=2e-4, max_grad_norm=0.3, warmup_ratio=0.03,
/// lr_scheduler_type="linear")`, and `torch.optim.AdamW`'s weight decay 0.01).
public struct TrainingSettings: Sendable, Equatable {
    public var rank = 16
    public var alpha: Float = 16
    public var dropout: Double = 0.05
    public var learningRate = 2e-4
    public var epochs = 1
    /// Optimiser steps; nil: as many as `epochs` passes over the data take.
    public var steps: Int?
    public var batchSize = 4
    public var accumulation = 4
    public var maxGradNorm = 0.3
    public var warmupRatio = 0.03
    public var schedule: LearningRateSchedule.Shape = .linear
    public var weightDecay = 0.01
    public var seed: UInt64 = 42

    public init() {}

    /// Every setting that shapes a run, as one line: a checkpoint records it, and a resume
    /// under other settings is refused.
    public var fingerprint: String {
        "rank=\(rank) alpha=\(alpha) dropout=\(dropout) lr=\(learningRate) epochs=\(epochs) steps=\(steps.map(String.init) ?? "-") "
            + "batch=\(batchSize) accumulate=\(accumulation) max-grad-norm=\(maxGradNorm) warmup=\(warmupRatio) "
            + "schedule=\(schedule.rawValue) weight-decay=\(weightDecay) seed=\(seed)"
    }

    /// Optimiser steps for `examples` examples: one per `batchSize × accumulation` (the last
    /// partial one counts, as transformers' trainer counts it).
    public func totalSteps(examples: Int) -> Int {
        if let steps { return steps }
        let perStep = batchSize * accumulation
        return max(1, epochs * ((examples + perStep - 1) / perStep))
    }
}
