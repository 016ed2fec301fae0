import Foundation
@testable import Workstation
import XCTest

/// The split rule, checked against values computed outside this code (Python's hashlib:
/// `int.from_bytes(hashlib.sha256(b"ds-final").digest()[:8], "big")`).
final class DatasetSplitTests: XCTestCase {
    func testPositionIsTheFirstEightBytesOfTheSha256OverTwoToThe64() {
        XCTAssertEqual(DatasetSplit.position(of: "ds-final"), Double(0x2234_978d_3e14_25a5 as UInt64) / 0x1p64)
        XCTAssertEqual(DatasetSplit.position(of: "ds-amended"), Double(0x2619_bc72_7ea7_a6f6 as UInt64) / 0x1p64)
        XCTAssertEqual(DatasetSplit.position(of: "ds-unsigned"), 0.7489923693359145, accuracy: 1e-15)
    }

    func testAStudyAtOrAboveTheFractionIsEvaluation() {
        let split = DatasetSplit(trainFraction: 0.14)
        XCTAssertFalse(split.isEvaluation("ds-final"))  // 0.1336…
        XCTAssertTrue(split.isEvaluation("ds-amended"))  // 0.1488…
        XCTAssertFalse(DatasetSplit(trainFraction: 1).isEvaluation("ds-unsigned"))
        XCTAssertTrue(DatasetSplit(trainFraction: 0).isEvaluation("ds-final"))
    }
}
