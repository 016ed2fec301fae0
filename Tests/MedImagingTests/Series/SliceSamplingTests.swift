import MedImaging
import XCTest

/// The slices a multi-slice question shows, against values worked out by hand from
/// round(i × (count − 1) / (wanted − 1)), halves up.
final class SliceSamplingTests: XCTestCase {
    func testEvenlyFromFirstToLast() {
        // 5/2 = 2.5 → 3.
        XCTAssertEqual(SliceSampling.indices(count: 6, wanted: 3), [0, 3, 5])
        // 9/3 = 3 exactly.
        XCTAssertEqual(SliceSampling.indices(count: 10, wanted: 4), [0, 3, 6, 9])
        // 99/4 = 24.75: 0, 24.75, 49.5, 74.25, 99.
        XCTAssertEqual(SliceSampling.indices(count: 100, wanted: 5), [0, 25, 50, 74, 99])
        XCTAssertEqual(SliceSampling.indices(count: 6, wanted: 2), [0, 5])
    }

    func testTheNotebooksEightyFiveOfTwoHundred() {
        let chosen = SliceSampling.indices(count: 200, wanted: SliceSampling.notebookDefault)
        XCTAssertEqual(SliceSampling.notebookDefault, 85)
        XCTAssertEqual(chosen.count, 85)
        // 199/84 = 2.369…: 2.37 → 2, 4.74 → 5, 7.11 → 7; i = 42 is 99.5 → 100.
        XCTAssertEqual(Array(chosen.prefix(4)), [0, 2, 5, 7])
        XCTAssertEqual(chosen[42], 100)
        XCTAssertEqual(chosen.last, 199)
        XCTAssertEqual(Set(chosen).count, 85, "distinct")
        XCTAssertEqual(chosen, chosen.sorted())
    }

    func testAsManyOrMoreThanThereAreShowsEverySlice() {
        XCTAssertEqual(SliceSampling.indices(count: 4, wanted: 4), [0, 1, 2, 3])
        XCTAssertEqual(SliceSampling.indices(count: 40, wanted: 85), Array(0..<40))
        XCTAssertEqual(SliceSampling.indices(count: 1, wanted: 85), [0])
    }

    func testOneSliceIsTheMiddle() {
        XCTAssertEqual(SliceSampling.indices(count: 7, wanted: 1), [3])
        XCTAssertEqual(SliceSampling.indices(count: 6, wanted: 1), [2])
    }
}
