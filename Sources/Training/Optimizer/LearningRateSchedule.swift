import Foundation

/// The learning rate at each optimiser step, as `transformers`' schedulers give it: a linear
/// warm-up from 0 over `warmupSteps`, then linear decay to 0 at `totalSteps` (the
/// notebook's `lr_scheduler_type="linear"`), a half cosine, or constant.
public struct LearningRateSchedule: Sendable, Equatable {
    public enum Shape: String, Sendable, CaseIterable { case linear, cosine, constant }

    public let peak: Double
    public let warmupSteps: Int
    public let totalSteps: Int
    public let shape: Shape

    public init(peak: Double, warmupSteps: Int, totalSteps: Int, shape: Shape = .linear) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.shape = shape
    }

    /// Warm-up steps from a ratio of the total, as `TrainingArguments.get_warmup_steps`:
    /// ⌈total · ratio⌉.
    public static func warmupSteps(ratio: Double, totalSteps: Int) -> Int { Int((Double(totalSteps) * ratio).rounded(.up)) }

    /// The rate for the step after `completed` steps (0-based, as the scheduler counts).
    public func rate(afterSteps completed: Int) -> Double {
        let s = Double(completed), w = Double(warmupSteps), total = Double(totalSteps)
        if completed < warmupSteps { return peak * s / max(1, w) }
        switch shape {
        case .constant: return peak
        case .linear: return peak * max(0, (total - s) / max(1, total - w))
        case .cosine:
            let progress = (s - w) / max(1, total - w)
            return peak * max(0, 0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
