import Foundation
import XCTest
@testable import TUI

final class ClipboardCopyTests: XCTestCase {
    /// The OSC 52 form (xterm's ctlseqs: "OSC 52 ; Pc ; Pd ST", Pd base64), with
    /// multi-byte text and the size cap never cutting a character in half.
    func testSequenceAndCap() {
        XCTAssertEqual(ClipboardCopy.sequence(for: "héllo"), "\u{1B}]52;c;aMOpbGxv\u{1B}\\")
        let long = String(repeating: "é", count: 40_000) // 80 000 bytes
        let seq = ClipboardCopy.sequence(for: long)
        let payload = String(seq.dropFirst(7).dropLast(2))
        let decoded = String(decoding: Data(base64Encoded: payload)!, as: UTF8.self)
        XCTAssertEqual(decoded, String(repeating: "é", count: ClipboardCopy.maximumBytes / 2))
    }
}
