@testable import TUI
import MedImaging
import XCTest

final class WindowPresetsTests: XCTestCase {
    func testCTCyclesTheFileWindowThenTheFourNamedOnes() {
        let own = VOIWindow(center: 50, width: 350)
        let presets = WindowPresets.presets(own: own, isCT: true)
        XCTAssertEqual(presets.map(WindowPresets.label), ["W350 C50", "W400 C40", "W1500 C-600", "W2500 C480", "W80 C40"])
        XCTAssertEqual(presets.first?.explanation, "file")
    }

    func testANamedWindowEqualToTheOwnOneIsNotRepeated() {
        let presets = WindowPresets.presets(own: VOIWindow(center: 40, width: 400, explanation: "case preset"), isCT: true)
        XCTAssertEqual(presets.map(WindowPresets.label), ["W400 C40", "W1500 C-600", "W2500 C480", "W80 C40"])
    }

    func testOtherImagesGetTheirOwnWindowAndHighContrast() {
        let presets = WindowPresets.presets(own: .covering(low: 0, high: 255, explanation: "full range"), isCT: false)
        XCTAssertEqual(presets.count, 2)
        XCTAssertEqual(presets[1].width, presets[0].width / 2)
        XCTAssertEqual(presets[1].center, presets[0].center)
    }

    func testLabelKeepsFractions() {
        XCTAssertEqual(WindowPresets.label(VOIWindow(center: 127.5, width: 256)), "W256 C127.5")
    }
}
