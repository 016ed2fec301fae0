/// The pixels handed to the vision encoder do not have the size its mmproj expects.
public struct VisionInputError: Error, Equatable, CustomStringConvertible, Sendable {
    public let expected: Int
    public let found: Int
    public let imageSize: Int

    public var description: String {
        "the vision encoder needs 3 × \(imageSize) × \(imageSize) = \(expected) normalised values, got \(found)"
    }
}
