import XCTest
final class GemmaPlaceholderTests: XCTestCase { func testNothing() {} }
