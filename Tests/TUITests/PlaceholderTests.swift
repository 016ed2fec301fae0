import XCTest
final class TUIPlaceholderTests: XCTestCase { func testNothing() {} }
