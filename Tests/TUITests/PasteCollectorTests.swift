import TUI
import XCTest

final class PasteCollectorTests: XCTestCase {
    func testABracketedPasteBecomesOneKey() {
        var collector = PasteCollector(startCode: 1000, endCode: 1001)
        XCTAssertEqual(collector.process(.character("a")), .character("a"))
        XCTAssertEqual(collector.process(.enter), .enter, "outside a paste Enter is Enter")
        let pasted: [Key] = [.unknown(1000), .character("l"), .character("1"), .enter, .tab, .character("胸"),
                             .resize, .unknown(1001)]
        let out = pasted.map { collector.process($0) }
        XCTAssertEqual(out.last, .paste("l1\n\t胸"))
        XCTAssertEqual(out.dropLast().compactMap { $0 }, [], "nothing leaks while collecting")
        XCTAssertFalse(collector.isCollecting)
        XCTAssertEqual(collector.process(.unknown(1001)), .unknown(1001))
    }

    func testEndOfInputEndsAPaste() {
        var collector = PasteCollector(startCode: 7, endCode: 8)
        _ = collector.process(.unknown(7))
        XCTAssertEqual(collector.process(.endOfInput), .endOfInput)
        XCTAssertFalse(collector.isCollecting)
    }

    func testThePasteGoesIntoTheEditorCleaned() {
        var editor = LineEditor()
        editor.handle(.paste("a\tb\r\nc\u{1B}[2J"))
        XCTAssertEqual(editor.text, "a    b\nc")
    }
}
