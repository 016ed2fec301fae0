import Foundation

/// Picks the next token from a logit vector, in llama.cpp's order: penalties → top-k →
/// top-p → min-p → temperature → a seeded draw (ENGINE.md §8).
public struct Sampler: Sendable {
    public let settings: SamplingSettings
    private var rng: SeededGenerator
    /// Recent tokens for the penalties (at most `penaltyWindow`).
    private var recent: [Int32] = []

    public init(settings: SamplingSettings) {
        self.settings = settings
        rng = SeededGenerator(seed: settings.seed)
    }

    /// Remembers a token of the context (prompt or reply) for the penalties.
    /// Negative ids (image positions in a prompt) are not tokens and are ignored.
    public mutating func observe(_ token: Int32) {
        guard settings.penaltyWindow > 0, token >= 0 else { return }
        recent.append(token)
        if recent.count > settings.penaltyWindow { recent.removeFirst(recent.count - settings.penaltyWindow) }
    }

    /// Chooses a token and observes it.
    public mutating func sample(_ logits: [Float]) -> Int32 {
        var logits = logits
        applyPenalties(&logits)
        let token: Int32
        if settings.isGreedy {
            token = Int32(Self.argmax(logits))
        } else {
            token = draw(from: candidates(logits))
        }
        observe(token)
        return token
    }

    public static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, v) in logits.enumerated() where v > bestValue {
            best = i
            bestValue = v
        }
        return best
    }

    private func applyPenalties(_ logits: inout [Float]) {
        let s = settings
        guard !recent.isEmpty, s.repetitionPenalty != 1 || s.presencePenalty != 0 || s.frequencyPenalty != 0 else { return }
        var counts: [Int32: Int] = [:]
        for t in recent { counts[t, default: 0] += 1 }
        for (t, count) in counts where Int(t) < logits.count && t >= 0 {
            var l = logits[Int(t)]
            if s.repetitionPenalty != 1 { l = l <= 0 ? l * s.repetitionPenalty : l / s.repetitionPenalty }
            l -= Float(count) * s.frequencyPenalty + s.presencePenalty
            logits[Int(t)] = l
        }
    }

    /// Survivors of top-k, top-p and min-p, sorted by logit, most likely first.
    func candidates(_ logits: [Float]) -> [(id: Int32, logit: Float)] {
        let s = settings
        var items: [(id: Int32, logit: Float)]
        let k = s.topK > 0 ? min(s.topK, logits.count) : logits.count
        if k < logits.count {
            items = Self.topK(logits, k)
        } else {
            items = logits.enumerated().map { (Int32($0.offset), $0.element) }
            items.sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.id < $1.id) }
        }
        if s.topP < 1, items.count > 1 {
            let probs = Self.softmax(items.map(\.logit))
            var cumulative: Float = 0
            var keep = items.count
            for (i, p) in probs.enumerated() {
                cumulative += p
                if cumulative >= s.topP { keep = i + 1; break }
            }
            items.removeLast(items.count - keep)
        }
        if s.minP > 0, let top = items.first?.logit {
            let threshold = top + log(s.minP)
            let keep = max(1, items.firstIndex { $0.logit < threshold } ?? items.count)
            items.removeLast(items.count - keep)
        }
        return items
    }

    private mutating func draw(from items: [(id: Int32, logit: Float)]) -> Int32 {
        let scaled = items.map { $0.logit / settings.temperature }
        let probs = Self.softmax(scaled)
        let r = rng.nextUnitFloat()
        var cumulative: Float = 0
        for (i, p) in probs.enumerated() {
            cumulative += p
            if r < cumulative { return items[i].id }
        }
        return items.last!.id
    }

    static func softmax(_ x: [Float]) -> [Float] {
        guard let m = x.max() else { return [] }
        let e = x.map { expf($0 - m) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// The k largest logits (ties: lower id first), sorted descending, via a small heap-free
    /// partial selection: one pass keeping a sorted buffer of k.
    public static func topK(_ logits: [Float], _ k: Int) -> [(id: Int32, logit: Float)] {
        var best: [(id: Int32, logit: Float)] = []
        best.reserveCapacity(k + 1)
        var floor = -Float.infinity
        for (i, v) in logits.enumerated() {
            if best.count == k && v <= floor { continue }
            var lo = 0, hi = best.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if best[mid].logit >= v { lo = mid + 1 } else { hi = mid }
            }
            best.insert((Int32(i), v), at: lo)
            if best.count > k { best.removeLast() }
            floor = best.count == k ? best[k - 1].logit : -Float.infinity
        }
        return best
    }
}
