import TUI
import XCTest

final class DisplayWidthTests: XCTestCase {
    func testKnownWidths() {
        let cases: [(String, Int)] = [
            ("", 0),
            ("abc", 3),
            ("Chest X-ray", 11),
            ("胸部", 4),                       // CJK ideographs: 2 each
            ("レントゲン", 10),                 // katakana
            ("한국어", 6),                      // Hangul syllables
            ("ＡＢ", 4),                        // fullwidth Latin
            ("😀", 2),                          // emoji presentation
            ("🩻🫁", 4),                        // X-ray and lungs (Unicode 13/14)
            ("✅", 2),                          // U+2705 has emoji presentation
            ("❤", 1),                           // U+2764 is text presentation by default
            ("e\u{0301}", 1),                   // e + combining acute
            ("\u{00E9}", 1),                    // precomposed é
            ("a\u{200B}b", 2),                  // zero-width space
            ("\u{FE0F}", 0),                    // variation selector
            ("\u{1100}\u{1161}", 2),            // conjoining jamo: lead 2, vowel 0
            ("tab\there", 7),                   // control characters take no columns
            ("\u{00AD}", 1),                    // soft hyphen
            ("👨\u{200D}👩\u{200D}👧", 6),      // per scalar, as wcwidth: 2 + 0 + 2 + 0 + 2
            ("胸部X線 검사 🩻 🫁 ✅", 21),
        ]
        for (text, width) in cases {
            XCTAssertEqual(DisplayWidth.of(text), width, "width of \(text.debugDescription)")
        }
    }

    func testCharacterAndScalarWidths() {
        XCTAssertEqual(DisplayWidth.of(Character("e\u{0301}")), 1)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x4E00)!), 2)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x7F)!), 0)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x20)!), 1)
    }

    func testPrefixNeverSplitsWideCharactersOrAccents() {
        XCTAssertEqual(DisplayWidth.prefix("胸部X線", fittingIn: 3), "胸")
        XCTAssertEqual(DisplayWidth.prefix("胸部X線", fittingIn: 4), "胸部")
        XCTAssertEqual(DisplayWidth.prefix("胸部X線", fittingIn: 5), "胸部X")
        XCTAssertEqual(DisplayWidth.prefix("cafe\u{0301}!", fittingIn: 4), "cafe\u{0301}")
        XCTAssertEqual(DisplayWidth.prefix("abc", fittingIn: 0), "")
        XCTAssertEqual(DisplayWidth.prefix("abc", fittingIn: 10), "abc")
    }
}
