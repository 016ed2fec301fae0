/// A test's input is not there where it must be: thrown, it fails the test (where `XCTSkip`
/// would let it pass unnoticed) with one line that says what is missing and how to get it.
public struct MissingTestInput: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
