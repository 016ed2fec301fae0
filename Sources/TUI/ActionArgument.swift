/// The argument an `Action` takes on the command line, with the range it must be in.
///
/// Validation lives with the action, not the parser, so the palette and the command
/// line reject the same values with the same message.
public struct ActionArgument: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A decimal number in a range (temperature).
        case number(ClosedRange<Double>)
        /// A whole number in a range (max tokens).
        case integer(ClosedRange<Int>)
        /// Free text, the rest of the line (system prompt).
        case text
        /// A file path, the rest of the line or quoted; `~/` is expanded.
        case path
        /// A single name (theme).
        case name
    }

    public let kind: Kind
    /// What the user types, shown in usage messages: `:set-temperature 0.7`.
    public let placeholder: String
    /// Whether the action also runs without it (export to a default file).
    public let isOptional: Bool

    public init(kind: Kind, placeholder: String, isOptional: Bool = false) {
        self.kind = kind
        self.placeholder = placeholder
        self.isOptional = isOptional
    }

    /// What a missing or bad value should have been, for error messages.
    public var expectation: String {
        switch kind {
        case .number(let range): return "a number from \(format(range.lowerBound)) to \(format(range.upperBound))"
        case .integer(let range): return "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .text: return "some text"
        case .path: return "a file path"
        case .name: return "a name"
        }
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
