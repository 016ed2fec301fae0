import Foundation
import TestSupport
import XCTest

/// `medgemma bench` reports what it was asked to measure, in llama-bench's shape. (Speed
/// itself is measured with the command, never asserted in a test.)
final class BenchCommandTests: XCTestCase {
    func testJSONListsEveryTestWithOrderedStatistics() throws {
        let model = try TestEnvironment.defaultModel()
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let r = try CommandRunner.medgemma(["bench", "--model", model, "-p", "8", "-n", "4", "-r", "2", "-t", "2", "--json", "--mmproj", mmproj])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], r.stdout)
        // image48: the tiny mmproj's clip.vision.image_size.
        XCTAssertEqual(rows.map { $0["test"] as? String }, ["pp8", "tg4", "image48"])
        for row in rows {
            XCTAssertEqual(row["threads"] as? Int, 2)
            XCTAssertEqual(row["repetitions"] as? Int, 2)
            let t = try XCTUnwrap(row["tokens_per_second"] as? [String: Double])
            let (lo, mid, hi) = (try XCTUnwrap(t["min"]), try XCTUnwrap(t["median"]), try XCTUnwrap(t["max"]))
            XCTAssertTrue(lo > 0 && lo <= mid && mid <= hi, "\(row)")
        }
    }

    /// --vision-exact-check encodes the last image again in f32 and reports the distance of the
    /// fast embeddings from it: small (bf16 or int8 rounding), and in the table a note line.
    func testVisionExactCheck() throws {
        let model = try TestEnvironment.defaultModel()
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let args = ["bench", "--model", model, "-p", "0", "-n", "0", "-r", "1", "--mmproj", mmproj, "--vision-exact-check"]
        let r = try CommandRunner.medgemma(args + ["--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], r.stdout)
        XCTAssertEqual(rows.map { $0["test"] as? String }, ["image48"])
        let l2 = try XCTUnwrap(rows[0]["relative_l2_vs_exact"] as? Double), worst = try XCTUnwrap(rows[0]["max_abs_vs_exact"] as? Double)
        XCTAssertTrue(l2 >= 0 && l2 < 0.02 && worst >= 0 && worst < 0.05, "\(rows[0])")
        XCTAssertNotNil(rows[0]["exact_seconds"] as? Double)
        let table = try CommandRunner.medgemma(args)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("image48 fast vs exact f32 ("), table.stdout)
    }

    func testTableAndBadOptions() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["bench", "--model", model, "-p", "0", "-n", "2", "-r", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "| model | size | params | backend | threads | test | t/s (median, min–max) |")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[2].contains("| tg2 |"), String(lines[2]))
        let bad = try CommandRunner.medgemma(["bench", "-r", "0"])
        XCTAssertEqual(bad.status, 2)
    }
}
