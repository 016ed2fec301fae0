import XCTest
@testable import ModelStore

final class DownloadProgressTests: XCTestCase {
    func testLineHasSizePercentSpeedAndTimeLeft() {
        let progress = DownloadProgress(name: "m.gguf", total: 2_490_000_000, alreadyHave: 0, terminal: true) { _ in }
        let line = progress.line(1_200_000_000, final: false)
        XCTAssertTrue(line.hasPrefix("m.gguf  1.2 GB / 2.5 GB  48%  "), line)
        XCTAssertTrue(line.hasSuffix(" left"), line)
        XCTAssertTrue(progress.line(2_490_000_000, final: true).contains("100%  "))
    }

    func testTerminalRedrawsInPlaceAndPipesGetPlainLines() {
        var written: [String] = []
        let atTerminal = DownloadProgress(name: "m", total: 10, alreadyHave: 0, terminal: true) { written.append($0) }
        atTerminal.update(5)
        atTerminal.finish(10)
        XCTAssertTrue(written[0].hasPrefix("\r") && written[0].hasSuffix("\u{1B}[K"), written[0])
        XCTAssertTrue(written[1].hasSuffix("\n"))
        written = []
        let inPipe = DownloadProgress(name: "m", total: 10, alreadyHave: 0, terminal: false) { written.append($0) }
        inPipe.update(1); inPipe.update(2); inPipe.update(3)
        inPipe.finish(10)
        XCTAssertEqual(written.count, 2, "\(written)")   // one now, none again within 10 s, then the last
        XCTAssertFalse(written.joined().contains("\r"))
    }
}
