import Foundation
import XCTest
import TestSupport

/// `--precision exact` gives the f32 reference path: the top logits of the float64 numpy
/// forward pass (Tests/Fixtures/logits/reference_f64.json, written from the spec) to 1e-3,
/// where the default fast path (Q8 activations, f16 KV cache) is ~0.1–0.5 away.
final class PrecisionOptionTests: XCTestCase {
    let float64Top: [(id: Int, logit: Double)] = [(506, 19.09146), (496, 18.5476), (9079, 18.26862), (886, 18.11301), (3224, 17.78389)]

    private func topLogits(_ extra: [String]) throws -> [Int: Double] {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["logits", "--top", "5", "--model", model] + extra + ["The capital of France is"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let top = try XCTUnwrap(root["top"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: top.compactMap { e in (e["id"] as? Int).map { ($0, e["logit"] as? Double ?? .nan) } })
    }

    func testExactPrecisionMatchesTheFloat64Reference() throws {
        let exact = try topLogits(["--precision", "exact"])
        for (id, want) in float64Top {
            XCTAssertEqual(try XCTUnwrap(exact[id], "token \(id) in the top 5"), want, accuracy: 1e-3, "token \(id)")
        }
        // The fast path is not the reference (it quantizes activations as llama.cpp does).
        let fast = try topLogits([])
        let gap = float64Top.compactMap { entry in fast[entry.id].map { abs($0 - entry.logit) } }.max() ?? 0
        XCTAssertGreaterThan(gap, 1e-3)
    }

    func testUnknownPrecisionIsAUsageError() throws {
        for command in [["logits", "x"], ["generate", "--prompt", "x"], ["bench"], ["perplexity", "file.txt"]] {
            let r = try CommandRunner.medgemma(command + ["--precision", "half"])
            XCTAssertEqual(r.status, 2, "\(command[0]): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--precision takes fast or exact, not 'half'"), r.stderr)
        }
    }
}
