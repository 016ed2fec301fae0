import XCTest
final class MedImagingPlaceholderTests: XCTestCase { func testNothing() {} }
