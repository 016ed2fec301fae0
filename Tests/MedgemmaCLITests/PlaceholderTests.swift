import XCTest
final class MedgemmaCLIPlaceholderTests: XCTestCase { func testNothing() {} }
