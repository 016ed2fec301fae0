import Support
import XCTest

/// The number and duration forms every command, pane and report shares.
final class FormatTests: XCTestCase {
    func testFixedShowsEveryDecimal() {
        XCTAssertEqual(Format.fixed(2.5, 2), "2.50")
        XCTAssertEqual(Format.fixed(3, 1), "3.0")
        XCTAssertEqual(Format.fixed(0.26, 2), "0.26")
        XCTAssertEqual(Format.fixed(12.345, 0), "12.0")
        XCTAssertEqual(Format.fixed(-1.25, 1), "-1.3")
    }

    func testNumberIsWholeWhenItIsWhole() {
        XCTAssertEqual(Format.number(400), "400")
        XCTAssertEqual(Format.number(-1000), "-1000")
        XCTAssertEqual(Format.number(0.95), "0.95")
    }

    func testBytesCountsAndPercent() {
        XCTAssertEqual(Format.bytes(999), "999 B")
        XCTAssertEqual(Format.bytes(2_500_000), "2.5 MB")
        XCTAssertEqual(Format.count(4_300_000_000), "4.30 B")
        XCTAssertEqual(Format.count(1_500), "1.5 k")
        XCTAssertEqual(Format.count(12), "12")
        XCTAssertEqual(Format.percent(0.125 * 100), "12.5%")
    }

    func testClockTimes() {
        XCTAssertEqual(Format.clock(65), "1:05")
        XCTAssertEqual(Format.clock(3_725), "1:02:05")
        XCTAssertEqual(Format.clock(.infinity), "--:--")
    }

    func testSecondsOfADuration() {
        XCTAssertEqual(Format.seconds(.milliseconds(1500)), 1.5, accuracy: 1e-12)
        XCTAssertEqual(Format.seconds(.zero), 0)
        XCTAssertEqual(Format.fixed(Format.seconds(.milliseconds(260)), 2), "0.26")
    }

    func testTrimmed() {
        XCTAssertEqual(Format.trimmed(2.5, 3), "2.5")
        XCTAssertEqual(Format.trimmed(3.9999986, 3), "4")
        XCTAssertEqual(Format.trimmed(0.6666, 3), "0.667")
        XCTAssertEqual(Format.trimmed(-600, 3), "-600")
        XCTAssertEqual(Format.trimmed(-0.0001, 3), "0")
    }
}
