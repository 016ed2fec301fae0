import XCTest
import Gemma

final class SamplerTests: XCTestCase {
    let logits: [Float] = [1.0, 3.0, 2.0, 0.5, 2.9]

    func testGreedyTakesTheArgmax() {
        var s = Sampler(settings: .greedy)
        XCTAssertEqual(s.sample(logits), 1)
    }

    func testTopKOfOneIsGreedyWhateverTheTemperature() {
        var settings = SamplingSettings()
        settings.topK = 1
        settings.temperature = 5
        for seed in 0..<20 {
            settings.seed = UInt64(seed)
            var s = Sampler(settings: settings)
            XCTAssertEqual(s.sample(logits), 1)
        }
    }

    func testSameSeedSameDrawsDifferentSeedsDiffer() {
        var settings = SamplingSettings()
        settings.topK = 0
        settings.topP = 1
        settings.seed = 7
        let big = (0..<1000).map { Float($0 % 17) * 0.1 }
        func draws(_ seed: UInt64) -> [Int32] {
            var s = settings
            s.seed = seed
            var sampler = Sampler(settings: s)
            return (0..<50).map { _ in sampler.sample(big) }
        }
        XCTAssertEqual(draws(7), draws(7))
        XCTAssertNotEqual(draws(7), draws(8))
    }

    /// top-p 0.5 over probabilities ∝ e^[1,3,2,0.5,2.9]: token 1 has 0.402 and token 4 0.363,
    /// so the shortest prefix reaching 0.5 is {1, 4}; only those are ever drawn.
    func testTopPKeepsTheShortestPrefixReachingP() {
        var settings = SamplingSettings()
        settings.topK = 0
        settings.topP = 0.5
        XCTAssertEqual(tokensDrawn(settings), [1, 4])
    }

    /// min-p 0.5 keeps tokens with p ≥ 0.5·p_max: logit ≥ 3 + ln 0.5 = 2.307 → {1, 4}.
    func testMinPDropsUnlikelyTokens() {
        var settings = SamplingSettings()
        settings.topK = 0
        settings.topP = 1
        settings.minP = 0.5
        XCTAssertEqual(tokensDrawn(settings), [1, 4])
    }

    /// Every token drawn from `logits` over 200 seeds.
    func tokensDrawn(_ settings: SamplingSettings) -> Set<Int32> {
        var seen = Set<Int32>()
        for seed in 0..<200 {
            var s = settings
            s.seed = UInt64(seed)
            var sampler = Sampler(settings: s)
            seen.insert(sampler.sample(logits))
        }
        return seen
    }

    /// Repetition penalty 2 on token 1 (logit 3 → 1.5) hands the argmax to token 4 (2.9);
    /// presence 0.5 on token 4 then gives 2.4 vs token 2's 2.0: still token 4.
    func testPenaltiesFollowLlamaCppsFormula() {
        var settings = SamplingSettings.greedy
        settings.repetitionPenalty = 2
        var s = Sampler(settings: settings)
        s.observe(1)
        XCTAssertEqual(s.sample(logits), 4)

        settings = .greedy
        settings.frequencyPenalty = 0.6
        var f = Sampler(settings: settings)
        f.observe(1); f.observe(1)   // 3 − 2·0.6 = 1.8 < 2.9
        XCTAssertEqual(f.sample(logits), 4)
        f.observe(4); f.observe(4)   // token 4 seen 3 times now: 2.9 − 1.8 = 1.1; token 2 wins
        XCTAssertEqual(f.sample(logits), 2)
    }

    func testTopKSelectionMatchesASort() {
        let values = (0..<5000).map { Float(($0 * 7919) % 5003) / 13 }
        let top = Sampler.topK(values, 64)
        let sorted = values.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
        XCTAssertEqual(top.map { Int($0.id) }, sorted.prefix(64).map(\.offset))
    }
}
