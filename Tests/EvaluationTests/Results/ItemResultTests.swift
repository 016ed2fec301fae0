import Evaluation
import Foundation
import XCTest

/// Run-file lines: sorted keys, snake-case names, absent values left out, one line.
final class ItemResultTests: XCTestCase {
    func testAMinimalResultIsOneLineWithoutNulls() throws {
        let line = try ItemResult(id: "q1", correct: true, seconds: 0.5).jsonLine()
        XCTAssertEqual(line, #"{"correct":true,"id":"q1","seconds":0.5}"#)
    }

    func testEveryFieldUnderItsKeyInSortedOrder() throws {
        let result = ItemResult(id: "q/1", scores: [-1.5, -0.25], prediction: 1, truth: 0, correct: false, seconds: 2.25,
                                answer: "B.\nBecause", category: "anatomy", optionCount: 2, permutation: [1, 0],
                                permutedPrediction: 0, exactMatch: 1, f1: 0.5, rougeL: 0.25)
        let expected = #"{"answer":"B.\nBecause","category":"anatomy","correct":false,"exact_match":1,"f1":0.5,"id":"q/1","options":2,"#
            + #""permutation":[1,0],"permuted_prediction":0,"prediction":1,"rouge_l":0.25,"scores":[-1.5,-0.25],"seconds":2.25,"truth":0}"#
        XCTAssertEqual(try result.jsonLine(), expected)
    }

    func testRoundTripKeepsEveryValueIncludingInfiniteScores() throws {
        let result = ItemResult(id: "q2", scores: [-.infinity, -3.125], prediction: 1, truth: 1, correct: true, seconds: 0.75,
                                optionCount: 2)
        let line = try result.jsonLine()
        XCTAssertTrue(line.contains(#""scores":["-inf",-3.125]"#), line)
        let file = try RunFile.parse(Array((line + "\n").utf8), path: "r.jsonl")
        XCTAssertEqual(file.results, [result])
    }
}
