import Gemma
import XCTest

final class TokenTypeTests: XCTestCase {
    func testGGUFValues() {
        XCTAssertEqual(TokenType(gguf: 1), .normal)
        XCTAssertEqual(TokenType(gguf: 2), .unknown)
        XCTAssertEqual(TokenType(gguf: 3), .control)
        XCTAssertEqual(TokenType(gguf: 4), .userDefined)
        XCTAssertEqual(TokenType(gguf: 5), .unused)
        XCTAssertEqual(TokenType(gguf: 6), .byte)
        XCTAssertEqual(TokenType(gguf: 0), .undefined)
        XCTAssertEqual(TokenType(gguf: 7), .undefined)
        XCTAssertEqual(TokenType(gguf: -1), .undefined)
        XCTAssertEqual(TokenType(gguf: 1 << 40), .undefined)
    }

    func testAttributeBitsAreLlamaCpps() {
        XCTAssertEqual(TokenAttributes.unknown.rawValue, 1)
        XCTAssertEqual(TokenAttributes.unused.rawValue, 2)
        XCTAssertEqual(TokenAttributes.normal.rawValue, 4)
        XCTAssertEqual(TokenAttributes.control.rawValue, 8)
        XCTAssertEqual(TokenAttributes.userDefined.rawValue, 16)
        XCTAssertEqual(TokenAttributes.byte.rawValue, 32)
    }
}
