import Foundation
import TestSupport
import XCTest

/// `medgemma eval` as a user runs it on the shipped task files and the real default model:
/// run files, resuming after a crash, comparing two runs, classification through a vision
/// part, reports, the refusals, and generation through the real test server.
final class EvalCommandTests: XCTestCase {
    private var dir: String!
    private var environment: [String: String] { ["MEDGEMMA_CONFIG": dir + "/no-config", "MEDGEMMA_API_KEY": ""] }
    private var samples: String { TestEnvironment.samples.appendingPathComponent("eval").path }
    private var mmproj: String { TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "eval-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func eval(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.medgemma(["eval", "--model", try TestEnvironment.defaultModel()] + arguments, environment: environment)
    }

    /// The run file's item lines (the header dropped), as JSON objects.
    private func results(_ path: String) throws -> [[String: Any]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertNotNil((try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])?["medgemma_eval"], "a header first")
        return try lines.dropFirst().map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    func testRunFileSummaryResumeAfterACrashAndCompare() throws {
        let run = dir + "/sum.jsonl"
        let first = try eval(["--scoring", "sum", "--limit", "12", "--out", run, "--json", samples + "/mcq.jsonl"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let rows = try results(run)
        XCTAssertEqual(rows.count, 12)
        let summary = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as! [String: Any]
        let correct = rows.filter { $0["correct"] as! Bool }.count
        XCTAssertEqual(summary["n"] as? Int, 12)
        XCTAssertEqual(summary["correct"] as? Int, correct)
        XCTAssertEqual(summary["base_model"] as? Bool, true)
        for row in rows {
            // The prediction is the best score, and "correct" says whether it is the answer.
            let scores = row["scores"] as! [Double]
            XCTAssertEqual(row["prediction"] as? Int, scores.firstIndex(of: scores.max()!))
            XCTAssertEqual(row["correct"] as? Bool, row["prediction"] as? Int == row["truth"] as? Int)
            XCTAssertEqual(row["options"] as? Int, scores.count)
        }

        // A crash: the file ends with half a line after 5 items. --resume redoes item 6 on.
        let text = try String(contentsOfFile: run, encoding: .utf8).split(separator: "\n")
        try (text.prefix(6).joined(separator: "\n") + "\n" + text[6].prefix(30)).write(toFile: run, atomically: true, encoding: .utf8)
        let again = try eval(["--scoring", "sum", "--limit", "12", "--out", run, "--resume", samples + "/mcq.jsonl"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("5 items done, 7 to go"), again.stderr)
        XCTAssertTrue(again.stderr.contains("cut short"), again.stderr)
        let resumed = try results(run)
        XCTAssertEqual(resumed.map { $0["id"] as! String }, rows.map { $0["id"] as! String })
        XCTAssertEqual(resumed.map { $0["scores"] as! [Double] }, rows.map { $0["scores"] as! [Double] }, "the same numbers again")

        // Not silently overwritten; another run cannot be resumed into it.
        let refused = try eval(["--scoring", "sum", "--limit", "12", "--out", run, samples + "/mcq.jsonl"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("--resume"), refused.stderr)
        let other = try eval(["--scoring", "char-norm", "--limit", "12", "--out", run, "--resume", samples + "/mcq.jsonl"])
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.contains("mode"), other.stderr)

        // Paired comparison with a char-norm run: the discordant counts from the files themselves.
        let norm = dir + "/norm.jsonl"
        XCTAssertEqual(try eval(["--scoring", "char-norm", "--limit", "12", "--out", norm, samples + "/mcq.jsonl"]).status, 0)
        let a = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, $0["correct"] as! Bool) })
        let b = try results(norm)
        let onlyA = b.filter { a[$0["id"] as! String]! && !($0["correct"] as! Bool) }.count
        let onlyB = b.filter { !a[$0["id"] as! String]! && ($0["correct"] as! Bool) }.count
        let compare = try CommandRunner.medgemma(["eval", "--compare", run, norm, "--json"], environment: environment)
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let c = try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(c["n"] as? Int, 12)
        XCTAssertEqual(c["only_a_right"] as? Int, onlyA, compare.stdout)
        XCTAssertEqual(c["only_b_right"] as? Int, onlyB, compare.stdout)
        let text2 = try CommandRunner.medgemma(["eval", "--compare", run, norm], environment: environment)
        XCTAssertTrue(text2.stdout.contains("McNemar exact"), text2.stdout)
    }

    func testTextSummarySaysBaseModelAndChance() throws {
        let r = try eval(["--limit", "8", samples + "/mcq.jsonl"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("token-mean (llama-perplexity --multiple-choice)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("95 % CI"), r.stdout)
        XCTAssertTrue(r.stdout.contains("chance"), r.stdout)
        XCTAssertTrue(r.stdout.contains("base model that was never instruction-tuned"), r.stdout)
        XCTAssertTrue(r.stderr.contains("8 items in"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not for clinical use"), r.stderr)
    }

    func testClassificationThroughTheVisionPart() throws {
        let refused = try eval([samples + "/classification.jsonl"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("has an image") && refused.stderr.contains("--mmproj"), refused.stderr)

        let run = dir + "/cls.jsonl"
        let r = try eval(["--mmproj", mmproj, "--json", "--out", run, samples + "/classification.jsonl"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let rows = try results(run)
        XCTAssertEqual(summary["n"] as? Int, rows.count)
        // The confusion matrix counts each item once, in its true label's row and predicted column.
        let labels = summary["labels"] as! [String]
        var expected = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
        for row in rows { expected[row["truth"] as! Int][row["prediction"] as! Int] += 1 }
        XCTAssertEqual(summary["confusion_matrix"] as? [[Int]], expected, r.stdout)
        XCTAssertNotNil(summary["macro_f1"] as? Double)
        let text = try eval(["--mmproj", mmproj, "--limit", "3", samples + "/classification.jsonl"])
        XCTAssertTrue(text.stdout.contains("macro-F1"), text.stdout)

        // Labels and prompt from the command line, for a file without a labels line.
        let bare = dir + "/bare.jsonl"
        let image = TestEnvironment.fixture("tiny_gemma_vision/image0.png").path
        try [#"{"id": "a", "image": "\#(image)", "label": "gray"}"#, #"{"id": "b", "image": "\#(image)", "label": "colour"}"#]
            .joined(separator: "\n").write(toFile: bare, atomically: true, encoding: .utf8)
        XCTAssertEqual(try eval(["--mmproj", mmproj, bare]).status, 1, "no labels anywhere")
        let given = try eval(["--mmproj", mmproj, "--labels", "gray,colour", "--prompt", "Is this picture gray or in colour?", "--json", bare])
        XCTAssertEqual(given.status, 0, given.stderr)
        let g = try JSONSerialization.jsonObject(with: Data(given.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(g["labels"] as? [String], ["gray", "colour"])
        XCTAssertEqual(g["n"] as? Int, 2)
    }

    func testReportItemsAreGeneratedAndScored() throws {
        let run = dir + "/report.jsonl"
        let r = try eval(["--mmproj", mmproj, "--max-tokens", "12", "--limit", "3", "--out", run, "--json", samples + "/report.jsonl"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try results(run)
        XCTAssertEqual(rows.count, 3)
        for row in rows {
            XCTAssertNotNil(row["answer"] as? String)
            for key in ["exact_match", "f1", "rouge_l"] { XCTAssertNotNil(row[key] as? Double, key) }
        }
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let meanF1 = rows.map { $0["f1"] as! Double }.reduce(0, +) / 3
        XCTAssertEqual(summary["f1"] as! Double, meanF1, accuracy: 1e-12)
        let scoring = try eval(["--scoring", "sum", samples + "/report.jsonl"])
        XCTAssertEqual(scoring.status, 2, scoring.stderr)
    }

    func testUsageErrors() throws {
        for (arguments, words) in [
            (["--scoring", "best", "x.jsonl"], "--scoring takes"),
            (["--scoring", "sum", "--generate", "x.jsonl"], "exclude each other"),
            (["--shuffle-options", "x.jsonl"], "--generate"),
            (["--resume", "x.jsonl"], "--out"),
            (["--compare", "a.jsonl"], "two run files"),
        ] {
            let r = try CommandRunner.medgemma(["eval"] + arguments, environment: environment)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(words), "\(arguments): \(r.stderr)")
        }
        let broken = dir + "/broken.jsonl"
        try #"{"id": "q1", "question": "?", "options": ["a", "b"], "answer": "C"}"#.write(toFile: broken, atomically: true, encoding: .utf8)
        let r = try eval([broken])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("broken.jsonl:1: answer 'C' is not one of the 2 options"), r.stderr)
    }

    /// Generation through the real OpenAI-compatible server on the same model file gives
    /// the in-process engine's greedy answers; likelihood through it is refused, saying why.
    func testGenerativeModeThroughTheServer() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model)
        defer { server.stop() }
        let remote = dir + "/remote.jsonl", local = dir + "/local.jsonl"
        let r = try CommandRunner.medgemma(["eval", "--generate", "--max-tokens", "8", "--limit", "3", "--out", remote,
                                            "--backend", server.baseURL, samples + "/mcq.jsonl"], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try eval(["--generate", "--max-tokens", "8", "--limit", "3", "--out", local, samples + "/mcq.jsonl"]).status, 0)
        func firstWords(_ row: [String: Any]) -> [Substring] { Array((row["answer"] as! String).split(whereSeparator: \.isWhitespace).prefix(3)) }
        for (a, b) in zip(try results(remote), try results(local)) {
            XCTAssertEqual(firstWords(a), firstWords(b), "\(a["id"]!)")
            XCTAssertEqual(firstWords(a).count, 3)
        }
        let likelihood = try CommandRunner.medgemma(["eval", "--backend", server.baseURL, samples + "/mcq.jsonl"], environment: environment)
        XCTAssertEqual(likelihood.status, 1)
        XCTAssertTrue(likelihood.stderr.contains("log-probabilit") && likelihood.stderr.contains("--generate"), likelihood.stderr)
    }
}
